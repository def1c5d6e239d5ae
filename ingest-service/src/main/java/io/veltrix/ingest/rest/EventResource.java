package io.veltrix.ingest.rest;

import jakarta.annotation.security.PermitAll;
import io.smallrye.common.annotation.Blocking;
import io.veltrix.ingest.mapping.CallType;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The single-event endpoints of the Segment/RudderStack HTTP tracking API ({@code /v1/track}, {@code /v1/identify},
 * ...), and Segment's short paths for them ({@code /v1/t}, {@code /v1/i}, ...: what its browser SDK, analytics.js,
 * posts to; not listed in the OpenAPI document). What every answer means is said once, here, for all of them.
 */
// the write key (HTTP Basic or the body's writeKey, Segment's protocol) is checked by the pipeline, per request
@PermitAll
@Path("/v1")
@Tag(name = "Tracking", description = "Segment-compatible tracking API")
@SecurityRequirement(name = "writeKey")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "200", description = "Accepted, or a duplicate of an event accepted recently",
        content = @Content(schema = @Schema(implementation = IngestResponse.class)))
@APIResponse(responseCode = "400", description = "The event is refused (reason and JSON path in the body; kept on "
        + "events.rejected), or the body is not JSON / gzip, or has a key twice in an object",
        content = @Content(schema = @Schema(implementation = IngestResponse.class)))
@APIResponse(responseCode = "401", description = TrackingEdge.UNAUTHORIZED,
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "413", description = "Event over 32 KB (kept on events.rejected); " + TrackingEdge.TOO_LARGE,
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "415", description = TrackingEdge.UNSUPPORTED,
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "429", description = TrackingEdge.TOO_MANY,
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "503", description = TrackingEdge.UNAVAILABLE,
        content = @Content(schema = @Schema(implementation = IngestResponse.class)))
public class EventResource {

    private final TrackingEdge edge;

    public EventResource(TrackingEdge edge) {
        this.edge = edge;
    }

    @POST
    @Path("/track")
    @Blocking
    @Operation(summary = "Send one track event", description = "The body is one event: {event, userId|anonymousId, properties, ...}")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    public Response track(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.TRACK);
    }

    @POST
    @Path("/t")
    @Blocking
    @Operation(hidden = true)
    public Response trackShort(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.TRACK);
    }

    @POST
    @Path("/identify")
    @Blocking
    @Operation(summary = "Say who a player is (traits)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    public Response identify(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.IDENTIFY);
    }

    @POST
    @Path("/i")
    @Blocking
    @Operation(hidden = true)
    public Response identifyShort(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.IDENTIFY);
    }

    @POST
    @Path("/page")
    @Blocking
    @Operation(summary = "Record a page view")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    public Response page(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.PAGE);
    }

    @POST
    @Path("/p")
    @Blocking
    @Operation(hidden = true)
    public Response pageShort(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.PAGE);
    }

    @POST
    @Path("/screen")
    @Blocking
    @Operation(summary = "Record a screen view")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    public Response screen(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.SCREEN);
    }

    @POST
    @Path("/s")
    @Blocking
    @Operation(hidden = true)
    public Response screenShort(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.SCREEN);
    }

    @POST
    @Path("/group")
    @Blocking
    @Operation(summary = "Associate a player with a group (guild, team)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    public Response group(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.GROUP);
    }

    @POST
    @Path("/g")
    @Blocking
    @Operation(hidden = true)
    public Response groupShort(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.GROUP);
    }

    @POST
    @Path("/alias")
    @Blocking
    @Operation(summary = "Merge a previous id into a user id")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    public Response alias(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.ALIAS);
    }

    @POST
    @Path("/a")
    @Blocking
    @Operation(hidden = true)
    public Response aliasShort(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, CallType.ALIAS);
    }
}
