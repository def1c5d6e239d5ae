package io.veltrix.ingest.rest;

import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.service.IngestMetrics;
import io.veltrix.ingest.service.RequestRefusedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A request refused as a whole, on any endpoint: its status, an {@link ErrorResponse}, and the headers it calls for. */
public class RefusedRequestMapper {

    private final IngestConfig config;
    private final IngestMetrics metrics;

    public RefusedRequestMapper(IngestConfig config, IngestMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @ServerExceptionMapper
    public Response refused(RequestRefusedException e) {
        metrics.refused(e.reason(), e.status());
        Response.ResponseBuilder response = Response.status(e.status())
                .type(MediaType.APPLICATION_JSON)
                .entity(new ErrorResponse(false, e.reason(), e.path(), e.getMessage(), e.limit()));
        if (e.status() == 429 || e.status() == 503) {
            response.header(HttpHeaders.RETRY_AFTER, config.retryAfterSeconds());
        }
        if (e.challenge() != null) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, e.challenge());
        }
        return response.build();
    }
}
