package io.veltrix.ingest.rest;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.service.RequestRefusedException;
import io.veltrix.security.Roles;
import io.veltrix.security.TokenGrant;
import io.veltrix.security.TokenGrants;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The admin API's tokens and its refusals: {@code veltrix.ingest.admin-token} has the roles admin (replay) and
 * analyst (rejected-events summary), {@code veltrix.ingest.read-token} the role analyst. A refusal of Quarkus
 * Security is answered like every other refused request ({@link RefusedRequestMapper}: JSON, counted).
 */
@Singleton
public class AdminTokens {

    private final RefusedRequestMapper refusals;

    public AdminTokens(RefusedRequestMapper refusals) {
        this.refusals = refusals;
    }

    @Produces
    @Singleton
    TokenGrants grants(IngestConfig config) {
        return new TokenGrants(List.of(
                new TokenGrant("admin-token", config.adminToken(), Set.of(Roles.ADMIN, Roles.ANALYST)),
                new TokenGrant("read-token", config.readToken(), Set.of(Roles.ANALYST))));
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return refusals.refused(new RequestRefusedException(RequestRefusedException.Refusal.UNAUTHORIZED, "unauthorized",
                JsonPaths.ROOT, "send 'Authorization: Bearer <token>' with the admin token (or the read token to read)")
                .challenge("Bearer realm=\"veltrix\""));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return refusals.refused(new RequestRefusedException(RequestRefusedException.Refusal.FORBIDDEN, "forbidden",
                JsonPaths.ROOT, "this token's role does not allow this call (a replay needs the admin token)"));
    }
}
