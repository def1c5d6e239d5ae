package io.veltrix.ingest.rest;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.CallType;
import io.veltrix.ingest.service.IngestOutcome;
import io.veltrix.ingest.service.IngestRequest;
import io.veltrix.ingest.service.IngestService;
import io.veltrix.ingest.service.RequestRefusedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
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
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

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
    @APIResponse(responseCode = "200", description = "Every event was answered (see each status)",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON or gzip, empty batch",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown write key; nothing published")
    @APIResponse(responseCode = "413", description = "Request over the size limit",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many events waiting for Pulsar; retry after Retry-After")
    @APIResponse(responseCode = "503", description = "Pulsar or the registry unavailable; the body says which events "
            + "were persisted; retry the others after Retry-After")
    public Uni<Response> batch(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, null);
    }

    @POST
    @Path("/import")
    @Blocking
    @Operation(summary = "Alias of /v1/batch (Segment's import endpoint)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Every event was answered",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Uni<Response> importBatch(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, null);
    }

    @POST
    @Path("/track")
    @Blocking
    @Operation(summary = "Send one track event", description = "The body is one event: {event, userId|anonymousId, properties, ...}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted or duplicate",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "400", description = "Refused (reason and path in the body), kept on events.rejected",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    @APIResponse(responseCode = "413", description = "Event over 32 KB",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> track(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.TRACK);
    }

    @POST
    @Path("/identify")
    @Blocking
    @Operation(summary = "Say who a player is (traits)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted or duplicate",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Uni<Response> identify(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.IDENTIFY);
    }

    @POST
    @Path("/page")
    @Blocking
    @Operation(summary = "Record a page view")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted or duplicate",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Uni<Response> page(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.PAGE);
    }

    @POST
    @Path("/screen")
    @Blocking
    @Operation(summary = "Record a screen view")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted or duplicate",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Uni<Response> screen(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.SCREEN);
    }

    @POST
    @Path("/group")
    @Blocking
    @Operation(summary = "Associate a player with a group (guild, team)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted or duplicate",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Uni<Response> group(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.GROUP);
    }

    @POST
    @Path("/alias")
    @Blocking
    @Operation(summary = "Merge a previous id into a user id")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    @APIResponse(responseCode = "200", description = "Accepted or duplicate",
            content = @Content(schema = @Schema(implementation = IngestResponse.class)))
    public Uni<Response> alias(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return handle(body, headers, request, CallType.ALIAS);
    }

    private Uni<Response> handle(byte[] body, HttpHeaders headers, HttpServerRequest request, CallType callType) {
        IngestRequest ingestRequest = new IngestRequest(body == null ? new byte[0] : body,
                headers.getHeaderString("Content-Encoding"), headers.getHeaderString(HttpHeaders.AUTHORIZATION),
                callType, request.remoteAddress() == null ? null : request.remoteAddress().hostAddress());
        return ingest.ingest(ingestRequest).map(outcome -> respond(outcome, callType != null));
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

    @ServerExceptionMapper
    public Response refused(RequestRefusedException e) {
        Response.ResponseBuilder response = Response.status(e.status())
                .type(MediaType.APPLICATION_JSON)
                .entity(new ErrorResponse(false, e.reason(), e.path(), e.getMessage(), e.limit()));
        if (e.status() == 429 || e.status() == 503) {
            response.header(HttpHeaders.RETRY_AFTER, config.retryAfterSeconds());
        }
        if (e.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"veltrix\"");
        }
        return response.build();
    }
}
