package io.veltrix.security;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * {@code Authorization: Bearer <token>}, the tokens being the service's {@link TokenGrants}. Only from the header:
 * a token in a URL ends up in access logs, proxies and browser history. No header, or another scheme (HTTP Basic:
 * ingest's write keys, which the tracking API checks itself): anonymous, and what the endpoint allows decides (a
 * role-protected endpoint answers 401 with a Bearer challenge). A bearer token that is none of the grants is not
 * ours either: when OIDC is configured ({@code quarkus.oidc.tenant-enabled=true}, README "Security model") Quarkus'
 * OIDC mechanism, which runs after this one, verifies it as a JSON Web Token of the team's identity provider;
 * otherwise it stays anonymous and a protected endpoint answers 401.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    static final String REALM = "Bearer realm=\"veltrix\"";

    private final TokenGrants grants;

    public BearerTokenMechanism(TokenGrants grants) {
        this.grants = grants;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Uni.createFrom().nullItem();
        }
        String token = bearer(header);
        if (token == null) {
            // some other scheme (HTTP Basic: the ingest write keys): not ours to judge
            return Uni.createFrom().nullItem();
        }
        return grants.match(token)
                .map(grant -> identities.authenticate(new PlatformTokenRequest(grant)))
                .orElseGet(() -> Uni.createFrom().nullItem());
    }

    /** Before Quarkus' own mechanisms (OIDC's among them): the platform's tokens are checked first. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }

    /** The token of a {@code Bearer} header, or null when the header is of another scheme or empty. */
    static String bearer(String header) {
        String trimmed = header.strip();
        if (trimmed.length() < 7 || !trimmed.regionMatches(true, 0, "Bearer", 0, 6) || !Character.isWhitespace(trimmed.charAt(6))) {
            return null;
        }
        String token = trimmed.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", REALM));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(PlatformTokenRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
    }
}
