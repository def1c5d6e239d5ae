package io.veltrix.security;

import java.util.Optional;
import java.util.Set;

/**
 * One configured token and the roles it grants.
 *
 * @param name   what the token is called in the configuration (the identity's name: logged and measured, never the
 *               token itself)
 * @param token  the secret; empty when not configured (then it grants nothing)
 * @param roles  what it may do
 */
public record TokenGrant(String name, Optional<String> token, Set<String> roles) {

    public TokenGrant {
        token = token.filter(t -> !t.isBlank());
        roles = Set.copyOf(roles);
    }
}
