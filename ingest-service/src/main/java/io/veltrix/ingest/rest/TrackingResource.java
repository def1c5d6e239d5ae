package io.veltrix.ingest.rest;

import io.smallrye.common.annotation.Blocking;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.CallType;
import io.veltrix.ingest.service.IngestOutcome;
import io.veltrix.ingest.service.IngestRequest;
import io.veltrix.ingest.service.IngestService;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The Segment/RudderStack HTTP tracking API. Existing analytics SDKs send here unchanged: point their host
 * at ingest-service and use a Veltrix write key.
 */
@Path("/v1")
@Tag(name = "Tracking", description = "Segment-compatible tracking API")
@SecurityScheme(securitySchemeName = "writeKey", type = SecuritySchemeType.HTTP, scheme = "basic",
        description = "The write key as the HTTP Basic user, empty password (or 'writeKey' in the body)")
@SecurityRequirement(name = "writeKey")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class TrackingResource {

    private final IngestService ingest;
    private final IngestConfig config;

    public TrackingResource(IngestService ingest, IngestConfig config) {
        this.ingest = ingest;
        this.config = config;
    }

    @POST
    @Path("/batch")
    @Blocking
    @Operation(summary = "Send a batch of events",
            description = "Body {\"batch\": [...events], \"writeKey\"?, \"sentAt\"?, \"context\"?}. Each event has a 'type' "
                    + "(track, identify, page, screen, group, alias). A refused event never refuses the others.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Every event was answered (see each status): accepted, duplicate "
            + "or rejected with reason and path; a bad event never refuses the others",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON or gzip, no 'batch' array, empty batch",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown write key; nothing published",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "413", description = "Request over 500 KB after decompression (the limit is in the body)",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "415", description = "Content-Encoding other than gzip",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many events waiting for Pulsar; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Pulsar or the registry unavailable: the body says which events "
            + "were persisted (none is reported accepted that Pulsar did not persist); send the others again after Retry-After",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Response batch(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, null);
    }

    @POST
    @Path("/import")
    @Blocking
    @Operation(summary = "Alias of /v1/batch (Segment's import endpoint)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Every event was answered (see each status): accepted, duplicate "
            + "or rejected with reason and path; a bad event never refuses the others",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON or gzip, no 'batch' array, empty batch",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown write key; nothing published",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "413", description = "Request over 500 KB after decompression (the limit is in the body)",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "415", description = "Content-Encoding other than gzip",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many events waiting for Pulsar; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Pulsar or the registry unavailable: the body says which events "
            + "were persisted (none is reported accepted that Pulsar did not persist); send the others again after Retry-After",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Response importBatch(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, null);
    }

    @POST
    @Path("/track")
    @Blocking
    @Operation(summary = "Send one track event", description = "The body is one event: {event, userId|anonymousId, properties, ...}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted, or a duplicate of an event accepted recently",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", description = "The event is refused (reason and JSON path in the body; kept on "
            + "events.rejected), or the body is not JSON / gzip",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown write key; nothing published",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "413", description = "Event over 32 KB (kept on events.rejected) or request over 500 KB",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "415", description = "Content-Encoding other than gzip",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many events waiting for Pulsar; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Pulsar or the registry unavailable: nothing reported accepted "
            + "that Pulsar did not persist; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Response track(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.TRACK);
    }

    @POST
    @Path("/identify")
    @Blocking
    @Operation(summary = "Say who a player is (traits)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted, or a duplicate of an event accepted recently",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", description = "The event is refused (reason and JSON path in the body; kept on "
            + "events.rejected), or the body is not JSON / gzip",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown write key; nothing published",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "413", description = "Event over 32 KB (kept on events.rejected) or request over 500 KB",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "415", description = "Content-Encoding other than gzip",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many events waiting for Pulsar; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Pulsar or the registry unavailable: nothing reported accepted "
            + "that Pulsar did not persist; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Response identify(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.IDENTIFY);
    }

    @POST
    @Path("/page")
    @Blocking
    @Operation(summary = "Record a page view")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted, or a duplicate of an event accepted recently",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", description = "The event is refused (reason and JSON path in the body; kept on "
            + "events.rejected), or the body is not JSON / gzip",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown write key; nothing published",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "413", description = "Event over 32 KB (kept on events.rejected) or request over 500 KB",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "415", description = "Content-Encoding other than gzip",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many events waiting for Pulsar; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Pulsar or the registry unavailable: nothing reported accepted "
            + "that Pulsar did not persist; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Response page(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.PAGE);
    }

    @POST
    @Path("/screen")
    @Blocking
    @Operation(summary = "Record a screen view")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted, or a duplicate of an event accepted recently",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", description = "The event is refused (reason and JSON path in the body; kept on "
            + "events.rejected), or the body is not JSON / gzip",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown write key; nothing published",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "413", description = "Event over 32 KB (kept on events.rejected) or request over 500 KB",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "415", description = "Content-Encoding other than gzip",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many events waiting for Pulsar; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Pulsar or the registry unavailable: nothing reported accepted "
            + "that Pulsar did not persist; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Response screen(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.SCREEN);
    }

    @POST
    @Path("/group")
    @Blocking
    @Operation(summary = "Associate a player with a group (guild, team)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted, or a duplicate of an event accepted recently",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", description = "The event is refused (reason and JSON path in the body; kept on "
            + "events.rejected), or the body is not JSON / gzip",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown write key; nothing published",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "413", description = "Event over 32 KB (kept on events.rejected) or request over 500 KB",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "415", description = "Content-Encoding other than gzip",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many events waiting for Pulsar; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Pulsar or the registry unavailable: nothing reported accepted "
            + "that Pulsar did not persist; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Response group(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.GROUP);
    }

    @POST
    @Path("/alias")
    @Blocking
    @Operation(summary = "Merge a previous id into a user id")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted, or a duplicate of an event accepted recently",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", description = "The event is refused (reason and JSON path in the body; kept on "
            + "events.rejected), or the body is not JSON / gzip",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown write key; nothing published",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "413", description = "Event over 32 KB (kept on events.rejected) or request over 500 KB",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "415", description = "Content-Encoding other than gzip",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many events waiting for Pulsar; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Pulsar or the registry unavailable: nothing reported accepted "
            + "that Pulsar did not persist; retry after Retry-After",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Response alias(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.ALIAS);
    }

    /**
     * Runs on a worker thread (the methods are {@code @Blocking}) and waits there for Pulsar's acknowledgements: every
     * send has a deadline (the producer's send timeout, {@code veltrix.ingest.publish-timeout}), and this wait a
     * bound of its own on top.
     */
    private Response handle(byte[] body, HttpHeaders headers, HttpServerRequest request, CallType callType) {
        IngestRequest ingestRequest = new IngestRequest(body == null ? new byte[0] : body,
                headers.getHeaderString("Content-Encoding"), headers.getHeaderString(HttpHeaders.AUTHORIZATION),
                callType, request.remoteAddress() == null ? null : request.remoteAddress().hostAddress());
        IngestOutcome outcome = ingest.ingest(ingestRequest).await()
                .atMost(config.publishTimeout().multipliedBy(2).plusSeconds(10));
        return respond(outcome, callType != null);
    }

    private Response respond(IngestOutcome outcome, boolean single) {
        IngestResponse body = IngestResponse.of(outcome);
        if (outcome.unavailable()) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(body)
                    .header(HttpHeaders.RETRY_AFTER, config.retryAfterSeconds()).build();
        }
        int status = single && body.rejected() > 0 ? 400 : 200;
        return Response.status(status).entity(body).build();
    }
}
