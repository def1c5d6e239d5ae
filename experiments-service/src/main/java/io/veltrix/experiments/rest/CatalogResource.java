package io.veltrix.experiments.rest;

import io.veltrix.experiments.mapping.CatalogView;
import io.veltrix.schemas.EventCatalog;
import io.veltrix.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The event catalogue metrics are picked from: the event schemas of module {@code schemas}, the very ones the stack
 * (and Kubernetes' registration Job) registers in Apicurio at deploy time. Read from the build rather than from the
 * registry so that experiments-service needs no registry connection; a schema registered later without a rebuild of
 * this service shows here after its next release.
 */
@RolesAllowed(Roles.ANALYST)
@Path("/api/v1/catalog")
@Tag(name = "Catalog", description = "Event types and their numeric properties, for picking metrics")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "Missing or unknown token",
        content = @Content(schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "403", description = "Not the role analyst",
        content = @Content(schema = @Schema(implementation = ErrorBody.class)))
public class CatalogResource {

    private static final CatalogView CATALOG = CatalogView.of(EventCatalog.registeredSchemas());

    @GET
    @Path("/events")
    @Operation(summary = "Event types a metric can count, with their numeric properties",
            description = "A conversion metric names an event type (purchase_completed); a mean metric an event type or "
                    + "one of its numeric properties (purchase_completed.revenue). Exposures (experiment_viewed) are not metrics.")
    @APIResponse(responseCode = "200", description = "The catalogue",
            content = @Content(schema = @Schema(implementation = CatalogView.class)))
    public CatalogView events() {
        return CATALOG;
    }
}
