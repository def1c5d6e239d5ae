package io.veltrix.processor.rest;

import io.smallrye.common.annotation.Blocking;
import io.veltrix.processor.config.ProcessorConfig;
import io.veltrix.processor.messaging.BacklogMonitor;
import io.veltrix.processor.service.DeadLetterRedrive;
import io.veltrix.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.pulsar.client.api.PulsarClientException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The processor's admin API: the dead-letter topic (role analyst), and moving its messages back after a fix (role
 * admin). The admin token ({@code veltrix.processor.admin-token}) has both roles (see {@link AdminTokens}).
 */
@Path("/admin/v1/dlq")
@Tag(name = "Dead letters", description = "events.raw-DLQ: messages that failed processing after bounded redeliveries")
@SecurityScheme(securitySchemeName = "processorAdminToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "veltrix.processor.admin-token")
@SecurityRequirement(name = "processorAdminToken")
@APIResponse(responseCode = "401", description = "No token, or a token nobody configured")
@APIResponse(responseCode = "403", description = "The token's role does not allow this call")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    /** The dead-letter topic now. */
    public record DeadLetters(double backlog) {
    }

    /** What a re-drive did. */
    public record Redriven(int moved, boolean more) {
    }

    /** Why a call was refused. */
    public record Refusal(String reason, String message) {
    }

    private final ProcessorConfig config;
    private final BacklogMonitor monitor;
    private final DeadLetterRedrive redrive;

    public AdminResource(ProcessorConfig config, BacklogMonitor monitor, DeadLetterRedrive redrive) {
        this.config = config;
        this.monitor = monitor;
        this.redrive = redrive;
    }

    @GET
    @Operation(summary = "How many messages wait on events.raw-DLQ (sampled every veltrix.processor.monitoring.backlog-interval)")
    @APIResponse(responseCode = "200", description = "The dead-letter backlog (NaN until first sampled)")
    @RolesAllowed(Roles.ANALYST)
    public Response deadLetters() {
        return Response.ok(new DeadLetters(monitor.deadLetters())).build();
    }

    @POST
    @Path("/redrive")
    @Blocking
    @Operation(summary = "Move dead letters back to events.raw after a fix",
            description = "Each message goes back unchanged (key, properties, bytes; plus redriven_from) and is "
                    + "acknowledged on the dead-letter topic once events.raw acknowledged the copy. Already counted "
                    + "events stay counted once (dedupe); what is still poison returns to the dead-letter topic after "
                    + "the bounded redeliveries. Call again while 'more' is true.")
    @APIResponse(responseCode = "200", description = "How many were moved, and whether more wait")
    @APIResponse(responseCode = "409", description = "A re-drive is already running on this instance")
    @RolesAllowed(Roles.ADMIN)
    public Response redrive(@Parameter(description = "the most messages to move (default and maximum: veltrix.processor.redrive-max-events)")
                            @QueryParam("limit") @DefaultValue("0") int limit) throws PulsarClientException {
        int max = config.redriveMaxEvents();
        if (limit < 0) {
            return Response.status(400).entity(new Refusal("invalid_limit", "limit must be positive")).build();
        }
        try {
            DeadLetterRedrive.Outcome outcome = redrive.redrive(limit == 0 ? max : Math.min(limit, max));
            return Response.ok(new Redriven(outcome.moved(), outcome.more())).build();
        } catch (IllegalStateException e) {
            return Response.status(409).entity(new Refusal("redrive_running", e.getMessage())).build();
        }
    }
}
