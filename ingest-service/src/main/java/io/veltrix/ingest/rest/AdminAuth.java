package io.veltrix.ingest.rest;

import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.service.RequestRefusedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The admin API's bearer tokens: {@code veltrix.ingest.admin-token} may do everything, {@code veltrix.ingest.read-token}
 * may read. No token: 401; a token that does not grant the call (or none configured): 403.
 */
@ApplicationScoped
public class AdminAuth {

    /** What a call needs. */
    public enum Access {
        ADMIN,
        READ
    }

    private static final String CHALLENGE = "Bearer realm=\"veltrix-admin\"";

    private final Optional<String> adminToken;
    private final Optional<String> readToken;

    public AdminAuth(IngestConfig config) {
        this.adminToken = config.adminToken().filter(t -> !t.isBlank());
        this.readToken = config.readToken().filter(t -> !t.isBlank());
    }

    public void require(String authorization, Access access) {
        String token = bearer(authorization);
        if (token == null) {
            throw new RequestRefusedException(RequestRefusedException.Refusal.UNAUTHORIZED, "unauthorized", JsonPaths.ROOT,
                    "send the admin token as 'Authorization: Bearer <token>'").challenge(CHALLENGE);
        }
        boolean granted = matches(adminToken, token) || (access == Access.READ && matches(readToken, token));
        if (!granted) {
            throw new RequestRefusedException(RequestRefusedException.Refusal.FORBIDDEN, "forbidden", JsonPaths.ROOT, adminToken.isEmpty()
                    ? "the admin API is disabled: set veltrix.ingest.admin-token"
                    : "this token does not allow this call");
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            return null;
        }
        return parts[1].trim();
    }

    private static boolean matches(Optional<String> expected, String given) {
        return expected.isPresent() && MessageDigest.isEqual(expected.get().getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }
}
