package io.veltrix.ingest.rest;

import jakarta.annotation.security.PermitAll;
import io.smallrye.common.annotation.Blocking;
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
 * The batch endpoints of the Segment/RudderStack HTTP tracking API: {@code /v1/batch} and its aliases. What every
 * answer means is said once, here, for all of them.
 */
// the write key (HTTP Basic or the body's writeKey, Segment's protocol) is checked by the pipeline, per request
@PermitAll
@Path("/v1")
@Tag(name = "Tracking", description = "Segment-compatible tracking API")
@SecurityScheme(securitySchemeName = "writeKey", type = SecuritySchemeType.HTTP, scheme = "basic",
        description = "The write key as the HTTP Basic user, empty password (or 'writeKey' in the body)")
@SecurityRequirement(name = "writeKey")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "200", description = "Every event was answered (see each status): accepted, duplicate "
        + "or rejected with reason and path; a bad event never refuses the others",
        content = @Content(schema = @Schema(implementation = IngestResponse.class)))
@APIResponse(responseCode = "400", description = "Malformed JSON or gzip, a key twice in an object, no 'batch' array, "
        + "empty batch", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "401", description = TrackingEdge.UNAUTHORIZED,
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "413", description = TrackingEdge.TOO_LARGE,
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "415", description = TrackingEdge.UNSUPPORTED,
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "429", description = TrackingEdge.TOO_MANY,
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "503", description = TrackingEdge.UNAVAILABLE,
        content = @Content(schema = @Schema(implementation = IngestResponse.class)))
public class BatchResource {

    private final TrackingEdge edge;

    public BatchResource(TrackingEdge edge) {
        this.edge = edge;
    }

    @POST
    @Path("/batch")
    @Blocking
    @Operation(summary = "Send a batch of events",
            description = "Body {\"batch\": [...events], \"writeKey\"?, \"sentAt\"?, \"context\"?}. Each event has a 'type' "
                    + "(track, identify, page, screen, group, alias). A refused event never refuses the others.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    public Response batch(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, null);
    }

    @POST
    @Path("/import")
    @Blocking
    @Operation(summary = "Alias of /v1/batch (Segment's import endpoint)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON))
    public Response importBatch(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, null);
    }

    /** Segment's short path for a batch, as its browser SDK (analytics.js) uses it. */
    @POST
    @Path("/b")
    @Blocking
    @Operation(hidden = true)
    public Response shortBatch(byte[] body, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        return edge.handle(body, headers, request, null);
    }
}
