package io.veltrix.experiments.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.Experiment;
import io.veltrix.experiments.ExperimentStatus;
import io.veltrix.experiments.Phase;
import io.veltrix.experiments.service.GrowthBookBucketing.Placement;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Which variant a player gets: GrowthBook hash version 2 on the experiment key, within the experiment's coverage and
 * weights. Only a running experiment assigns; outside the coverage the player is not in the experiment.
 */
@ApplicationScoped
public class AssignmentService {

    /** Why a player is or is not in an experiment. */
    public enum Reason {
        ASSIGNED, NOT_RUNNING, OUTSIDE_COVERAGE
    }

    /** A player's assignment; {@code variant} is -1 when not in the experiment. */
    public record Assignment(Experiment experiment, Phase phase, String playerId, Placement placement, Reason reason) {
    }

    private final ExperimentService experiments;
    private final Counter assigned;
    private final Counter notAssigned;

    public AssignmentService(ExperimentService experiments, MeterRegistry registry) {
        this.experiments = experiments;
        this.assigned = Counter.builder("veltrix.experiments.assignments").tag("in_experiment", "true")
                .description("Assignments answered").register(registry);
        this.notAssigned = Counter.builder("veltrix.experiments.assignments").tag("in_experiment", "false")
                .description("Assignments answered").register(registry);
    }

    @WithSession
    public Uni<Assignment> assign(String key, String playerId) {
        return experiments.load(key).map(loaded -> place(loaded, playerId));
    }

    @WithSession
    public Uni<List<Assignment>> assignAll(String playerId) {
        return experiments.list(ExperimentStatus.RUNNING)
                .map(list -> list.stream().map(loaded -> place(loaded, playerId)).toList());
    }

    private Assignment place(ExperimentService.Loaded loaded, String playerId) {
        Experiment e = loaded.experiment();
        if (e.status != ExperimentStatus.RUNNING) {
            notAssigned.increment();
            return new Assignment(e, loaded.latestPhase(), playerId, new Placement(Double.NaN, -1), Reason.NOT_RUNNING);
        }
        Placement placement = GrowthBookBucketing.place(e.key, e.coverage, e.weights(), playerId);
        (placement.inExperiment() ? assigned : notAssigned).increment();
        return new Assignment(e, loaded.latestPhase(), playerId, placement,
                placement.inExperiment() ? Reason.ASSIGNED : Reason.OUTSIDE_COVERAGE);
    }
}
