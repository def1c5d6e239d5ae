package io.veltrix.experiments.rest;

import io.veltrix.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.ExperimentStatus;
import io.veltrix.experiments.mapping.AssignmentView;
import io.veltrix.experiments.mapping.ExperimentMapper;
import io.veltrix.experiments.mapping.ExperimentRequest;
import io.veltrix.experiments.mapping.ExperimentView;
import io.veltrix.experiments.mapping.PhaseView;
import io.veltrix.experiments.mapping.ResultsView;
import io.veltrix.experiments.mapping.TimeSeriesView;
import io.veltrix.experiments.repository.ParticipantRepository.Interval;
import io.veltrix.experiments.service.AssignmentService;
import io.veltrix.experiments.service.ExperimentService;
import io.veltrix.experiments.service.ExperimentService.Loaded;
import io.veltrix.experiments.service.InvalidInputException;
import io.veltrix.experiments.service.ResultsService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Experiments: definitions and their life cycle, per-experiment assignment, results and time series. Reads need
 * the role analyst (the read or the admin token), changes the role admin; a player's assignment also the role sdk.
 */
@Path("/api/v1/experiments")
@Tag(name = "Experiments", description = "Experiment definitions, life cycle, phases, assignment and results")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "veltrix.experiments.admin-token (role admin: changes and reads), read-token (role analyst: reads) "
                + "or sdk-key (role sdk: assignments and the SDK payload)")
@SecurityRequirement(name = "bearer")
@RolesAllowed(Roles.ANALYST)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "Missing or unknown token",
        content = @Content(schema = @Schema(implementation = ErrorBody.class)))
@APIResponse(responseCode = "403", description = "The token's role does not allow this call",
        content = @Content(schema = @Schema(implementation = ErrorBody.class)))
public class ExperimentsResource {

    private final ExperimentService experiments;
    private final AssignmentService assignments;
    private final ResultsService results;

    public ExperimentsResource(ExperimentService experiments, AssignmentService assignments, ResultsService results) {
        this.experiments = experiments;
        this.assignments = assignments;
        this.results = results;
    }

    @GET
    @Operation(summary = "List experiments, newest first (optionally of one status)")
    public Uni<List<ExperimentView>> list(@Parameter(description = "draft, running, stopped or archived")
                                          @QueryParam("status") String status) {
        ExperimentStatus filter = null;
        if (status != null) {
            try {
                filter = ExperimentStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("status", "must be draft, running, stopped or archived");
            }
        }
        return experiments.list(filter).map(list -> list.stream().map(ExperimentsResource::view).toList());
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an experiment (status draft)")
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "400", description = "Invalid definition: each field with the reason",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "Not the role admin")
    @APIResponse(responseCode = "409", description = "The key exists already")
    public Uni<RestResponse<ExperimentView>> create(ExperimentRequest request) {
        return experiments.create(ExperimentMapper.toDefinition(request, null))
                .map(loaded -> RestResponse.ResponseBuilder.<ExperimentView>created(
                        URI.create("/api/v1/experiments/" + loaded.experiment().key)).entity(view(loaded)).build());
    }

    @GET
    @Path("/{key}")
    @Operation(summary = "One experiment")
    @APIResponse(responseCode = "404", description = "No such experiment")
    public Uni<ExperimentView> get(@PathParam("key") String key) {
        return experiments.load(key).map(ExperimentsResource::view);
    }

    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an experiment's definition",
            description = "While running, variant keys cannot change; a change of coverage, weights or parameters opens a new phase.")
    @APIResponse(responseCode = "400", description = "Invalid definition: each field with the reason",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "Archived (archived), variant keys changed while running (variants_locked), "
            + "or the analysis method, scale, correction or sequential tuning changed after the start (analysis_locked)")
    public Uni<ExperimentView> update(@PathParam("key") String key, ExperimentRequest request) {
        return experiments.update(ExperimentMapper.toDefinition(request, key)).map(ExperimentsResource::view);
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{key}/start")
    @Operation(summary = "Start (or restart after a stop): opens a new phase; players are assigned from now on")
    @APIResponse(responseCode = "409", description = "Not draft or stopped")
    public Uni<ExperimentView> start(@PathParam("key") String key) {
        return experiments.start(key).map(ExperimentsResource::view);
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{key}/stop")
    @Operation(summary = "Stop: closes the phase; nobody is assigned any more")
    @APIResponse(responseCode = "409", description = "Not running")
    public Uni<ExperimentView> stop(@PathParam("key") String key) {
        return experiments.stop(key).map(ExperimentsResource::view);
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{key}/archive")
    @Operation(summary = "Archive: read-only from now on (a running experiment is stopped first)")
    @APIResponse(responseCode = "409", description = "Archived already")
    public Uni<ExperimentView> archive(@PathParam("key") String key) {
        return experiments.archive(key).map(ExperimentsResource::view);
    }

    @GET
    @Path("/{key}/phases")
    @Operation(summary = "The experiment's phases, oldest first")
    public Uni<List<PhaseView>> phases(@PathParam("key") String key) {
        return experiments.load(key).map(loaded -> loaded.phases().stream().map(ExperimentMapper::toView).toList());
    }

    @RolesAllowed({Roles.SDK, Roles.ANALYST})
    @GET
    @Path("/{key}/assignment")
    @Operation(summary = "A player's variant and its parameters (GrowthBook hash version 2)",
            description = "Deterministic: the same player always gets the same variant while coverage and weights stay. "
                    + "Not running or outside the coverage: not in the experiment.")
    public Uni<AssignmentView> assignment(@PathParam("key") String key,
                                          @Parameter(description = "The player id (GrowthBook's 'id' attribute)", required = true)
                                          @QueryParam("playerId") String playerId) {
        requirePlayer(playerId);
        return assignments.assign(key, playerId).map(AssignmentView::of);
    }

    @GET
    @Path("/{key}/results")
    @Operation(summary = "Results per variant against control and per metric, with the SRM check and power",
            description = "Analyses one phase: the latest unless ?phase= says otherwise. Anytime-valid (sequential) unless "
                    + "the experiment chose fixed_horizon (analysis.method); each comparison says its method and scale, and "
                    + "its p-value, drawn interval and decision come from one estimate and standard error. Players exposed "
                    + "to several variants are left out; a closed phase's metrics stop at its end when the processor still "
                    + "keeps its events (data.notes says otherwise). See docs/statistics.md.")
    public Uni<ResultsView> results(@PathParam("key") String key,
                                    @Parameter(description = "Phase number (default: the latest)") @QueryParam("phase") Integer phase) {
        return results.results(key, phase);
    }

    @GET
    @Path("/{key}/timeseries")
    @Operation(summary = "Participants and the primary metric over time, per variant (UTC buckets of a minute, hour or day)",
            description = "The metric counts events before the end of a closed phase; when the phase started before the "
                    + "processor's event retention, metricAvailable is false and the values are null.")
    public Uni<TimeSeriesView> timeSeries(@PathParam("key") String key,
                                          @Parameter(description = "Phase number (default: the latest)") @QueryParam("phase") Integer phase,
                                          @Parameter(description = "minute (the first hours: at most "
                                                  + ResultsService.MAX_BUCKETS + " buckets), hour or day (default day)") @QueryParam("interval") String interval) {
        Interval unit;
        if (interval == null || interval.equalsIgnoreCase("day")) {
            unit = Interval.DAY;
        } else if (interval.equalsIgnoreCase("hour")) {
            unit = Interval.HOUR;
        } else if (interval.equalsIgnoreCase("minute")) {
            unit = Interval.MINUTE;
        } else {
            throw new InvalidInputException("interval", "must be minute, hour or day");
        }
        return results.timeSeries(key, phase, unit);
    }

    static void requirePlayer(String playerId) {
        if (playerId == null || playerId.isEmpty()) {
            throw new InvalidInputException("playerId", "required");
        }
        if (playerId.length() > 256) {
            throw new InvalidInputException("playerId", "at most 256 characters");
        }
    }

    private static ExperimentView view(Loaded loaded) {
        return ExperimentMapper.toView(loaded.experiment(), loaded.latestPhase() == null ? null : loaded.latestPhase().number);
    }
}
