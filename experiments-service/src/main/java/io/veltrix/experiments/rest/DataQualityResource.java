package io.veltrix.experiments.rest;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.client.IngestClient;
import io.veltrix.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Ingest's rejected-events summary for the console, read through this service so that the browser talks to one
 * origin with one token: the caller's own bearer token (role analyst here) is passed on to ingest, which checks it
 * again (role analyst there: {@code ./veltrix up} gives both services the same analyst and admin tokens). Nothing is
 * cached or kept here.
 */
@RolesAllowed(Roles.ANALYST)
@Path("/api/v1/data-quality")
@Tag(name = "Data quality", description = "Rejected events, from ingest")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class DataQualityResource {

    private final IngestClient ingest;

    public DataQualityResource(@RestClient IngestClient ingest) {
        this.ingest = ingest;
    }

    @GET
    @Path("/rejections")
    @Operation(summary = "Ingest's rejected-events summary, passed on unchanged",
            description = "ingest-service's GET /admin/v1/rejections/summary (see its OpenAPI, schema RejectionSummary): "
                    + "rejections of the window counted by reason, event type, schema version, SDK, source and stage, and "
                    + "the largest combinations with an example each. The caller's token is sent on to ingest.")
    @APIResponse(responseCode = "200", description = "ingest's RejectionSummary")
    @APIResponse(responseCode = "400", description = "Bad window (ingest's answer)")
    @APIResponse(responseCode = "401", description = "Missing or unknown token",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not the role analyst",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "502", description = "ingest unreachable (ingest_unavailable) or it refused the token "
            + "(ingest_refused_token)", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "ingest could not read events.rejected (Pulsar unavailable)")
    public Uni<Response> rejections(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                    @Parameter(description = "start, ISO-8601 (default: an hour before 'to')") @QueryParam("from") String from,
                                    @Parameter(description = "end, ISO-8601 (default: now)") @QueryParam("to") String to,
                                    @Parameter(description = "only these event types") @QueryParam("eventType") List<String> eventTypes,
                                    @Parameter(description = "only these reasons") @QueryParam("reason") List<String> reasons,
                                    @Parameter(description = "largest combinations listed (default 50)") @QueryParam("groups") Integer groups) {
        return ingest.rejectionSummary(authorization, from, to, eventTypes, reasons, groups)
                .map(DataQualityResource::passOn)
                .onFailure(WebApplicationException.class).recoverWithItem(e -> passOn(((WebApplicationException) e).getResponse()))
                .onFailure().recoverWithItem(e -> {
                    Log.debugf(e, "ingest unreachable");
                    return error(Response.Status.BAD_GATEWAY, "ingest_unavailable",
                            "ingest-service could not be reached (quarkus.rest-client.ingest.url): " + e.getClass().getSimpleName());
                });
    }

    private static Response passOn(Response answer) {
        int status = answer.getStatus();
        if (status == 401 || status == 403) {
            return error(Response.Status.BAD_GATEWAY, "ingest_refused_token", "ingest-service refused this token (HTTP "
                    + status + "): give ingest the same analyst token (VELTRIX_INGEST_READ_TOKEN)");
        }
        String body = answer.hasEntity() ? answer.readEntity(String.class) : null;
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    private static Response error(Response.Status status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorBody.of(code, message)).build();
    }
}
