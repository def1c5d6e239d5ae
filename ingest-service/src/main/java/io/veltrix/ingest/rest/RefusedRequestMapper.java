package io.veltrix.ingest.rest;

import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.service.RequestRefusedException;
import io.veltrix.ingest.service.observability.IngestMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A request refused as a whole, on any endpoint: the one place where the domain's refusals become HTTP statuses,
 * with an {@link ErrorResponse} and the headers they call for (Retry-After, WWW-Authenticate).
 */
@ApplicationScoped
public class RefusedRequestMapper {

    private final IngestConfig config;
    private final IngestMetrics metrics;

    public RefusedRequestMapper(IngestConfig config, IngestMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** The HTTP status of a refusal. */
    static int status(RequestRefusedException.Refusal refusal) {
        return switch (refusal) {
            case INVALID -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case UNSUPPORTED -> 415;
            case TOO_MANY -> 429;
            case UNAVAILABLE -> 503;
        };
    }

    @ServerExceptionMapper
    public Response refused(RequestRefusedException e) {
        int status = status(e.refusal());
        metrics.refused(e.reason(), status);
        Response.ResponseBuilder response = Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(new ErrorResponse(false, e.reason(), e.path(), e.getMessage(), e.limit()));
        if (status == 429 || status == 503) {
            long seconds = e.retryAfter() != null ? Math.max(1, (e.retryAfter().toMillis() + 999) / 1000)
                    : config.retryAfterSeconds();
            response.header(HttpHeaders.RETRY_AFTER, seconds);
        }
        if (e.challenge() != null) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, e.challenge());
        }
        return response.build();
    }
}
