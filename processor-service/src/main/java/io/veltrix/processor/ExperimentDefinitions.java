package io.veltrix.processor;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the processor knows of the experiments (read contract {@code experiments.experiment_variant}, owned by
 * experiments-service): enough to tell whether an exposure names an existing experiment and one of its variants.
 *
 * @param experiments     by experiment key
 * @param loadedAt        when these definitions were read
 * @param contractMissing true when the view does not exist (experiments-service has not migrated yet): no
 *                        experiment is known
 */
public record ExperimentDefinitions(Map<String, Experiment> experiments, Instant loadedAt, boolean contractMissing) {

    /** Status of an experiment that was never started: nobody can have been exposed to it. */
    public static final String DRAFT = "draft";

    /** One experiment: its status ({@code draft}, {@code running}, {@code stopped}, {@code archived}) and variant keys. */
    public record Experiment(String key, String status, Set<String> variants) {
    }

    public Optional<Experiment> find(String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(experiments.get(key));
    }
}
