package io.veltrix.ingest.rest;

import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.CallType;
import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.mapping.Reasons;
import io.veltrix.ingest.mapping.Violation;
import io.veltrix.ingest.service.RequestRefusedException;
import io.veltrix.ingest.service.RequestRefusedException.Refusal;
import io.veltrix.ingest.service.tracking.IngestOutcome;
import io.veltrix.ingest.service.tracking.IngestRequest;
import io.veltrix.ingest.service.tracking.IngestService;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the tracking endpoints share: the HTTP checks of a request (its media type), the call to the
 * {@link IngestService}, and the translation of its outcome into a status (the domain knows no HTTP).
 */
@ApplicationScoped
public class TrackingEdge {

    // what the endpoints' OpenAPI descriptions share
    static final String UNAUTHORIZED = "Missing or unknown write key; nothing published";
    static final String TOO_LARGE = "Request over 500 KB after decompression, or more events than the write key or the "
            + "instance may ever take at once (the limit is in the body)";
    static final String UNSUPPORTED = "Content-Encoding other than gzip, or a Content-Type other than JSON or text/plain";
    static final String TOO_MANY = "The write key's rate limit (events, or bytes of refused events) or the instance's "
            + "in-flight budget is used up: retry after Retry-After; nothing of the request was accepted";
    static final String UNAVAILABLE = "Pulsar or the registry unavailable: the body says which events were persisted "
            + "(none is reported accepted that Pulsar did not persist); send the others again after Retry-After";

    private final IngestService ingest;
    private final IngestConfig config;
    private final RefusedRequestMapper refusals;

    public TrackingEdge(IngestService ingest, IngestConfig config, RefusedRequestMapper refusals) {
        this.ingest = ingest;
        this.config = config;
        this.refusals = refusals;
    }

    /**
     * Runs on a worker thread (the endpoints are {@code @Blocking}: decompression, parsing, registry look-ups) and waits
     * there for Pulsar's answer: every send has a deadline (the producer's send timeout,
     * {@code veltrix.ingest.publish-timeout}), and this wait a bound of its own on top. (Returning the stage instead
     * and letting RESTEasy resume the request from a Pulsar thread failed now and then with "RequestScoped context was
     * not active" on the resume, seen in a system test: waiting costs a parked worker thread, nothing per event.)
     */
    Response handle(byte[] body, HttpHeaders headers, HttpServerRequest request, CallType callType) {
        checkMediaType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
        IngestRequest ingestRequest = new IngestRequest(body == null ? new byte[0] : body,
                headers.getHeaderString("Content-Encoding"), headers.getHeaderString(HttpHeaders.AUTHORIZATION),
                callType, request.remoteAddress() == null ? null : request.remoteAddress().hostAddress());
        CompletionStage<IngestOutcome> outcome = ingest.ingest(ingestRequest);
        try {
            return respond(outcome.toCompletableFuture().get(
                    config.publishTimeout().multipliedBy(2).plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS), callType != null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (ExecutionException | TimeoutException e) {
            // the pipeline completes every event (not_persisted at worst) and never fails: this is a bug or a hang
            throw unavailable();
        }
    }

    private static RequestRefusedException unavailable() {
        return new RequestRefusedException(Refusal.UNAVAILABLE, Reasons.BROKER_UNAVAILABLE, JsonPaths.ROOT,
                "Pulsar did not answer in time: send the events again after Retry-After");
    }

    /**
     * JSON, as the Segment spec says, or text/plain: Segment's browser SDK sends its JSON as text/plain so that the
     * browser needs no CORS preflight (and beacons can only send that). No Content-Type at all is read as JSON.
     * Anything else (a form, XML) is refused with 415 before the body is read.
     */
    static void checkMediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (type.equals("application/json") || type.equals("text/plain")
                || (type.startsWith("application/") && type.endsWith("+json"))) {
            return;
        }
        throw new RequestRefusedException(Refusal.UNSUPPORTED, Reasons.UNSUPPORTED_MEDIA_TYPE, JsonPaths.ROOT,
                "Content-Type '" + contentType + "' is not taken: send application/json (or text/plain holding JSON)");
    }

    private Response respond(IngestOutcome outcome, boolean single) {
        IngestResponse body = IngestResponse.of(outcome);
        if (outcome.unavailable()) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(body).type(MediaType.APPLICATION_JSON)
                    .header(HttpHeaders.RETRY_AFTER, config.retryAfterSeconds()).build();
        }
        if (single && body.rejected() > 0) {
            Violation first = outcome.results().get(0).violations().get(0);
            if (Reasons.EVENT_TOO_LARGE.equals(first.reason())) {
                // kept on events.rejected like any refused event; on a single-event endpoint the event is the request
                return refusals.refused(new RequestRefusedException(Refusal.TOO_LARGE, Reasons.EVENT_TOO_LARGE,
                        JsonPaths.ROOT, first.message(), config.maxEventBytes()));
            }
            return Response.status(400).entity(body).type(MediaType.APPLICATION_JSON).build();
        }
        return Response.ok(body).type(MediaType.APPLICATION_JSON).build();
    }
}
