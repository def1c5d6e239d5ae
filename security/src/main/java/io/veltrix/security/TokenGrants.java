package io.veltrix.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * The tokens a service accepts and what each grants. A service produces one bean of this type from its
 * configuration; {@link TokenIdentityProvider} asks it who a presented token is. Comparison in constant time, and
 * every grant is compared (no early exit that would tell which token came close).
 */
public final class TokenGrants {

    private final List<TokenGrant> grants;

    public TokenGrants(List<TokenGrant> grants) {
        this.grants = List.copyOf(grants);
    }

    /** The grant a token matches, if any. */
    public Optional<TokenGrant> match(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        TokenGrant found = null;
        for (TokenGrant grant : grants) {
            if (grant.token().isPresent() && MessageDigest.isEqual(grant.token().get().getBytes(StandardCharsets.UTF_8), given)
                    && found == null) {
                found = grant;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether some grant with this role is configured (a service warns at start when none is). */
    public boolean configures(String role) {
        return grants.stream().anyMatch(g -> g.token().isPresent() && g.roles().contains(role));
    }

    public List<TokenGrant> grants() {
        return grants;
    }
}
