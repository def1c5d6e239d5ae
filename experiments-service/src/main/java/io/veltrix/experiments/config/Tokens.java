package io.veltrix.experiments.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Which role a token has (constant-time comparison with the configured tokens). */
@ApplicationScoped
public class Tokens {

    /** The roles a token can have. */
    public enum Role {
        READ, ADMIN
    }

    private final ExperimentsConfig config;

    public Tokens(ExperimentsConfig config) {
        this.config = config;
    }

    void warnWhenUnset(@Observes StartupEvent event) {
        if (config.adminToken().filter(t -> !t.isBlank()).isEmpty()) {
            Log.warn("veltrix.experiments.admin-token (VELTRIX_EXPERIMENTS_ADMIN_TOKEN) is not set: experiments cannot be changed");
        }
        if (config.readToken().filter(t -> !t.isBlank()).isEmpty()) {
            Log.warn("veltrix.experiments.read-token (VELTRIX_EXPERIMENTS_READ_TOKEN) is not set: only the admin token can read");
        }
    }

    /** The role of a token, or null for none. */
    public Role role(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        if (matches(token, config.adminToken())) {
            return Role.ADMIN;
        }
        if (matches(token, config.readToken())) {
            return Role.READ;
        }
        return null;
    }

    private static boolean matches(String token, Optional<String> configured) {
        return configured.filter(c -> !c.isBlank())
                .map(c -> MessageDigest.isEqual(c.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }
}
