package io.veltrix.experiments.rest;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Refusals of Quarkus Security as JSON answers like every other error (authentication is not proactive, so they
 * reach these mappers): no or an unknown token → 401 with a Bearer challenge; a token whose roles do not allow the
 * call → 403. Counted by reason, never logged per request.
 */
@Singleton
public class SecurityErrorMappers {

    private final MeterRegistry registry;

    public SecurityErrorMappers(MeterRegistry registry) {
        this.registry = registry;
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public RestResponse<ErrorBody> unauthorized(RuntimeException e) {
        registry.counter("veltrix.experiments.auth.refused", "reason", "unauthorized").increment();
        return RestResponse.ResponseBuilder.create(Response.Status.UNAUTHORIZED, ErrorBody.of("unauthorized",
                        "send 'Authorization: Bearer <token>' with a token of a role that may make this call"))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"veltrix\"").build();
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> forbidden(ForbiddenException e) {
        registry.counter("veltrix.experiments.auth.refused", "reason", "forbidden").increment();
        return RestResponse.ResponseBuilder.create(Response.Status.FORBIDDEN, ErrorBody.of("forbidden",
                "this token's role does not allow this call (changes need the admin token; the analyst token reads "
                        + "results and traffic; the SDK key reads assignments and the SDK payload only)"))
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
