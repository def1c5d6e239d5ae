package io.veltrix.experiments.rest;

import io.micrometer.core.instrument.MeterRegistry;
import io.veltrix.experiments.config.Tokens;
import io.veltrix.experiments.config.Tokens.Role;
import jakarta.inject.Singleton;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Bearer tokens for the experiments API ({@code /api/v1/experiments}, {@code /api/v1/assignments},
 * {@code /api/v1/sdk}, {@code /api/v1/traffic}): reads (GET) take the read or the admin token, writes the admin
 * token. Missing or unknown token: 401; the read token on a write: 403. {@code /api/features/{clientKey}} checks
 * its key itself; {@code /dashboard} (a page without data; its script sends the token) is open.
 */
@Singleton
public class TokenFilter {

    private final Tokens tokens;
    private final MeterRegistry registry;

    public TokenFilter(Tokens tokens, MeterRegistry registry) {
        this.tokens = tokens;
        this.registry = registry;
    }

    @ServerRequestFilter
    public Optional<RestResponse<ErrorBody>> check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!(path.startsWith("/api/v1/experiments") || path.startsWith("/api/v1/assignments")
                || path.startsWith("/api/v1/sdk") || path.startsWith("/api/v1/traffic"))) {
            return Optional.empty();
        }
        boolean read = HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod());
        Role role = tokens.role(bearer(request.getHeaderString(HttpHeaders.AUTHORIZATION)));
        if (role == null) {
            registry.counter("veltrix.experiments.auth.refused", "reason", "unauthorized").increment();
            return Optional.of(RestResponse.ResponseBuilder.create(Response.Status.UNAUTHORIZED,
                            ErrorBody.of("unauthorized", "send 'Authorization: Bearer <token>' with the "
                                    + (read ? "read or admin" : "admin") + " token"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"veltrix-experiments\"").build());
        }
        if (!read && role != Role.ADMIN) {
            registry.counter("veltrix.experiments.auth.refused", "reason", "forbidden").increment();
            return Optional.of(RestResponse.ResponseBuilder.create(Response.Status.FORBIDDEN,
                    ErrorBody.of("forbidden", "this change needs the admin token; the read token only reads")).build());
        }
        return Optional.empty();
    }

    private static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }
}
