package io.veltrix.experiments.rest;

import io.veltrix.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.mapping.AssignmentView;
import io.veltrix.experiments.service.AssignmentService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A player's assignments in every running experiment at once (read token). */
@RolesAllowed(Roles.SDK)
@Path("/api/v1/assignments")
@Tag(name = "Assignment", description = "Which variant a player gets (GrowthBook hash version 2)")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class AssignmentsResource {

    private final AssignmentService assignments;

    public AssignmentsResource(AssignmentService assignments) {
        this.assignments = assignments;
    }

    @GET
    @Operation(summary = "The player's assignment in each running experiment (in or not in it, variant and parameters)")
    public Uni<List<AssignmentView>> assignments(@Parameter(description = "The player id", required = true)
                                                 @QueryParam("playerId") String playerId) {
        ExperimentsResource.requirePlayer(playerId);
        return assignments.assignAll(playerId).map(list -> list.stream().map(AssignmentView::of).toList());
    }
}
