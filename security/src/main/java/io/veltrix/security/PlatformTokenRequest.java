package io.veltrix.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * A bearer token that matched one of the service's {@link TokenGrants}: a request type of its own, so that only
 * {@link TokenIdentityProvider} handles it (an OIDC identity provider, when one is configured, handles Quarkus'
 * {@code TokenAuthenticationRequest} and never sees these tokens).
 */
public final class PlatformTokenRequest extends BaseAuthenticationRequest {

    private final TokenGrant grant;

    PlatformTokenRequest(TokenGrant grant) {
        this.grant = grant;
    }

    TokenGrant grant() {
        return grant;
    }
}
