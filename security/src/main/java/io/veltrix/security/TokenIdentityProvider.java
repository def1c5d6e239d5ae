package io.veltrix.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a platform token (one of {@link TokenGrants}) into the identity of its grant: its name and its roles. */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<PlatformTokenRequest> {

    @Override
    public Class<PlatformTokenRequest> getRequestType() {
        return PlatformTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(PlatformTokenRequest request, AuthenticationRequestContext context) {
        TokenGrant grant = request.grant();
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(grant.name()))
                .addRoles(grant.roles())
                .build());
    }
}
