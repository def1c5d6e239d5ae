package io.veltrix.processor.rest;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.veltrix.processor.config.ProcessorConfig;
import io.veltrix.security.Roles;
import io.veltrix.security.TokenGrant;
import io.veltrix.security.TokenGrants;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The processor's tokens and its refusals: the admin token ({@code VELTRIX_PROCESSOR_ADMIN_TOKEN}) has the roles
 * admin and analyst; a refusal of Quarkus Security is answered like the API's other errors and counted.
 */
@Singleton
public class AdminTokens {

    private final MeterRegistry registry;

    public AdminTokens(MeterRegistry registry) {
        this.registry = registry;
    }

    @Produces
    @Singleton
    TokenGrants grants(ProcessorConfig config) {
        return new TokenGrants(List.of(new TokenGrant("admin-token", config.adminToken(), Set.of(Roles.ADMIN, Roles.ANALYST))));
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        registry.counter("veltrix.processor.auth.refused", "reason", "unauthorized").increment();
        return Response.status(401).type(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"veltrix\"")
                .entity(new AdminResource.Refusal("unauthorized", "send 'Authorization: Bearer <admin token>'")).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        registry.counter("veltrix.processor.auth.refused", "reason", "forbidden").increment();
        return Response.status(403).type(MediaType.APPLICATION_JSON)
                .entity(new AdminResource.Refusal("forbidden", "this token's role does not allow this call")).build();
    }
}
