package io.veltrix.experiments.rest;

import io.quarkus.security.identity.SecurityIdentity;
import io.veltrix.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the console signs in with: whether a token is accepted, and which of the console's controls its roles may use
 * (the API checks every call anyway).
 */
@RolesAllowed(Roles.ANALYST)
@Path("/api/v1/session")
@Tag(name = "Session", description = "The caller's roles, for the console")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    /** The caller's roles. */
    @Schema(description = "The roles of the token sent")
    public record SessionView(@Schema(description = "admin, analyst") List<String> roles,
                              @Schema(description = "true with the role admin: may create, edit, start, stop and archive")
                              boolean canWrite) {
    }

    private final SecurityIdentity identity;

    public SessionResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @GET
    @Operation(summary = "The roles of the token sent (role analyst: the console's tokens)")
    @APIResponse(responseCode = "200", description = "Accepted", content = @Content(schema = @Schema(implementation = SessionView.class)))
    @APIResponse(responseCode = "401", description = "Missing or unknown token",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not the role analyst (e.g. the SDK key)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public SessionView session() {
        List<String> roles = identity.getRoles().stream().filter(r -> !r.equals(Roles.SDK)).sorted().toList();
        return new SessionView(roles, identity.hasRole(Roles.ADMIN));
    }
}
