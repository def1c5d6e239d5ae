package io.veltrix.experiments.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.AnalysisSettings;
import io.veltrix.experiments.Experiment;
import io.veltrix.experiments.ExperimentStatus;
import io.veltrix.experiments.Metric;
import io.veltrix.experiments.Phase;
import io.veltrix.experiments.Variant;
import io.veltrix.experiments.mapping.ExperimentMapper;
import io.veltrix.experiments.repository.ExperimentRepository;
import io.veltrix.experiments.repository.PhaseRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The life cycle of experiments: create, update, start, stop, archive, and the phases that record every change of
 * allocation while an experiment runs.
 *
 * <p>Rules: a running experiment keeps its variant keys (count, order and keys cannot change; stop it and create
 * a new experiment instead); changing its coverage, weights or variant parameters closes the open phase and opens
 * the next one (reason says what changed). Starting opens phase 1, or the next phase after a stop. Stopping or
 * archiving closes the open phase. Nothing changes an archived experiment. Once started, the analysis method, scale,
 * correction and sequential tuning are fixed (choosing them after seeing results would void their guarantees).
 */
@ApplicationScoped
public class ExperimentService {

    private final ExperimentRepository experiments;
    private final PhaseRepository phases;

    public ExperimentService(ExperimentRepository experiments, PhaseRepository phases) {
        this.experiments = experiments;
        this.phases = phases;
    }

    /** An experiment with its phases. */
    public record Loaded(Experiment experiment, List<Phase> phases) {
        /** The current (open) or last phase, or null before the first start. */
        public Phase latestPhase() {
            return phases.isEmpty() ? null : phases.get(phases.size() - 1);
        }
    }

    @WithTransaction
    public Uni<Loaded> create(Definition definition) {
        return experiments.findByKey(definition.key()).flatMap(existing -> {
            if (existing != null) {
                throw new ConflictException("key_exists", "an experiment with key '" + definition.key() + "' exists already");
            }
            Experiment e = new Experiment();
            e.key = definition.key();
            OffsetDateTime now = now();
            e.createdAt = now;
            e.updatedAt = now;
            e.status = ExperimentStatus.DRAFT;
            apply(e, definition);
            return experiments.persist(e).map(saved -> new Loaded(saved, List.of()));
        });
    }

    @WithTransaction
    public Uni<Loaded> update(Definition definition) {
        return load(definition.key()).flatMap(loaded -> {
            Experiment e = loaded.experiment();
            if (e.status == ExperimentStatus.ARCHIVED) {
                throw new ConflictException("archived", "experiment '" + e.key + "' is archived and cannot change");
            }
            List<String> changes = allocationChanges(e, definition);
            if (e.status == ExperimentStatus.RUNNING && !sameVariantKeys(e, definition)) {
                throw new ConflictException("variants_locked", "experiment '" + e.key + "' is running: its variant keys "
                        + "cannot be added, removed, renamed or reordered (stop it and create a new experiment)");
            }
            if (e.status != ExperimentStatus.DRAFT && definition.analysis() != null) {
                List<String> locked = lockedAnalysisChanges(e.analysis(), definition.analysis());
                if (!locked.isEmpty()) {
                    throw new ConflictException("analysis_locked", "experiment '" + e.key + "' has started: its analysis "
                            + String.join(", ", locked) + " cannot change any more (choosing the analysis after seeing the "
                            + "results would void its error guarantees; create a new experiment instead)");
                }
            }
            apply(e, definition);
            e.updatedAt = now();
            Uni<List<Phase>> phaseChange = Uni.createFrom().item(loaded.phases());
            if (e.status == ExperimentStatus.RUNNING && !changes.isEmpty()) {
                Log.infof("experiment %s: %s changed while running; opening a new phase", e.key, String.join(", ", changes));
                phaseChange = nextPhase(e, loaded.phases(), String.join(", ", changes) + " changed");
            }
            return phaseChange.map(list -> new Loaded(e, list));
        });
    }

    @WithTransaction
    public Uni<Loaded> start(String key) {
        return load(key).flatMap(loaded -> {
            Experiment e = loaded.experiment();
            if (e.status != ExperimentStatus.DRAFT && e.status != ExperimentStatus.STOPPED) {
                throw new ConflictException("invalid_transition", "experiment '" + key + "' is " + e.status.value()
                        + "; only a draft or stopped experiment can start");
            }
            boolean restart = e.status == ExperimentStatus.STOPPED;
            OffsetDateTime now = now();
            e.status = ExperimentStatus.RUNNING;
            if (e.startedAt == null) {
                e.startedAt = now;
            }
            e.stoppedAt = null;
            e.updatedAt = now;
            return nextPhase(e, loaded.phases(), restart ? "restarted" : "started").map(list -> new Loaded(e, list));
        });
    }

    @WithTransaction
    public Uni<Loaded> stop(String key) {
        return load(key).flatMap(loaded -> {
            Experiment e = loaded.experiment();
            if (e.status != ExperimentStatus.RUNNING) {
                throw new ConflictException("invalid_transition", "experiment '" + key + "' is " + e.status.value()
                        + "; only a running experiment can stop");
            }
            OffsetDateTime now = now();
            e.status = ExperimentStatus.STOPPED;
            e.stoppedAt = now;
            e.updatedAt = now;
            closeOpen(loaded.phases(), now);
            return Uni.createFrom().item(loaded);
        });
    }

    @WithTransaction
    public Uni<Loaded> archive(String key) {
        return load(key).flatMap(loaded -> {
            Experiment e = loaded.experiment();
            if (e.status == ExperimentStatus.ARCHIVED) {
                throw new ConflictException("invalid_transition", "experiment '" + key + "' is archived already");
            }
            OffsetDateTime now = now();
            if (e.status == ExperimentStatus.RUNNING) {
                e.stoppedAt = now;
                closeOpen(loaded.phases(), now);
            }
            e.status = ExperimentStatus.ARCHIVED;
            e.updatedAt = now;
            return Uni.createFrom().item(loaded);
        });
    }

    /** The experiment and its phases; fails with {@link NotFoundException}. */
    @WithSession
    public Uni<Loaded> load(String key) {
        return experiments.findByKey(key).flatMap(e -> {
            if (e == null) {
                throw new NotFoundException("no experiment with key '" + key + "'");
            }
            return phases.phases(e.id).map(list -> new Loaded(e, new ArrayList<>(list)));
        });
    }

    /** Every experiment (optionally of one status) with its latest phase number. */
    @WithSession
    public Uni<List<Loaded>> list(ExperimentStatus status) {
        return experiments.listAll(status).flatMap(list -> phases.latest(list.stream().map(e -> e.id).toList())
                .map(latest -> list.stream().map(e -> new Loaded(e, latest.stream()
                        .filter(p -> p.experimentId.equals(e.id)).toList())).toList()));
    }

    private Uni<List<Phase>> nextPhase(Experiment e, List<Phase> existing, String reason) {
        OffsetDateTime now = now();
        closeOpen(existing, now);
        Phase phase = new Phase();
        phase.experimentId = e.id;
        phase.number = existing.isEmpty() ? 1 : existing.get(existing.size() - 1).number + 1;
        phase.startedAt = now;
        phase.coverage = e.coverage;
        phase.variants = ExperimentMapper.allocationJson(e);
        phase.reason = reason;
        return phases.persist(phase).map(saved -> {
            List<Phase> all = new ArrayList<>(existing);
            all.add(saved);
            return all;
        });
    }

    private static void closeOpen(List<Phase> phases, OffsetDateTime at) {
        for (Phase p : phases) {
            if (p.endedAt == null) {
                p.endedAt = at;
            }
        }
    }

    /** The settings that decide the error guarantees and that differ: method, scale, correction, tuning. */
    static List<String> lockedAnalysisChanges(AnalysisSettings stored, AnalysisSettings asked) {
        List<String> changes = new ArrayList<>();
        if (stored.method() != asked.method()) {
            changes.add("method");
        }
        if (stored.scale() != asked.scale()) {
            changes.add("scale");
        }
        if (stored.correction() != asked.correction()) {
            changes.add("correction");
        }
        if (stored.sequentialTuning() != asked.sequentialTuning()) {
            changes.add("sequentialTuning");
        }
        return changes;
    }

    private static void apply(Experiment e, Definition d) {
        e.name = d.name();
        e.description = d.description();
        e.coverage = d.coverage();
        e.primaryMetric = d.primaryMetric().name();
        e.primaryMetricKind = d.primaryMetric().kind();
        e.primaryMetricDirection = d.primaryMetric().direction();
        e.primaryMetricCapping = ExperimentMapper.cappingJson(d.primaryMetric().capping());
        e.guardrailMetrics = ExperimentMapper.guardrailsJson(d.guardrailMetrics());
        if (d.analysis() != null) {
            e.analysis(d.analysis());
        }
        List<Variant> variants = new ArrayList<>();
        for (Definition.VariantDefinition v : d.variants()) {
            variants.add(new Variant(v.key(), v.name(), v.weight(), v.parameters()));
        }
        e.variants.clear();
        e.variants.addAll(variants);
    }

    private static boolean sameVariantKeys(Experiment e, Definition d) {
        return e.variants.stream().map(v -> v.key).toList()
                .equals(d.variants().stream().map(Definition.VariantDefinition::key).toList());
    }

    /** What of the allocation a definition changes: coverage, weights, parameters. */
    static List<String> allocationChanges(Experiment e, Definition d) {
        List<String> changes = new ArrayList<>();
        if (e.coverage != d.coverage()) {
            changes.add("coverage");
        }
        if (e.variants.size() != d.variants().size()) {
            changes.add("variants");
            return changes;
        }
        boolean weights = false;
        boolean parameters = false;
        for (int i = 0; i < e.variants.size(); i++) {
            weights |= e.variants.get(i).weight != d.variants().get(i).weight();
            parameters |= !ExperimentMapper.parseJson(e.variants.get(i).parameters)
                    .equals(ExperimentMapper.parseJson(d.variants().get(i).parameters()));
        }
        if (weights) {
            changes.add("weights");
        }
        if (parameters) {
            changes.add("parameters");
        }
        return changes;
    }

    /** Metrics of an experiment, primary first. */
    public static List<Metric> metrics(Experiment e) {
        List<Metric> metrics = new ArrayList<>();
        if (e.primaryMetric != null) {
            metrics.add(ExperimentMapper.primaryMetric(e));
        }
        metrics.addAll(ExperimentMapper.guardrails(e.guardrailMetrics));
        return metrics.stream().filter(Objects::nonNull).toList();
    }

    /** Database time precision is microseconds: keep Java's the same, so what we return is what is stored. */
    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
