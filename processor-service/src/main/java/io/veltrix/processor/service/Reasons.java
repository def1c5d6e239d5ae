package io.veltrix.processor.service;

import io.veltrix.schemas.rules.EventRules;

/**
 * Reason codes of the processor's own rejections (on {@code events.rejected}, stage {@code processor}), beyond the
 * rules it shares with ingest ({@link EventRules}: a refusal for one of those is a bug, since ingest applies them
 * before it accepts an event).
 */
public final class Reasons {

    /** The exposure names an experiment that does not exist. */
    public static final String UNKNOWN_EXPERIMENT = "unknown_experiment";
    /** The exposure names a variant the experiment does not have. */
    public static final String UNKNOWN_VARIANT = "unknown_variant";
    /** The exposure names an experiment that was never started (status draft). */
    public static final String EXPERIMENT_NOT_STARTED = "experiment_not_started";
    /**
     * The event occurred before what the dedupe records still cover (veltrix.processor.retention.events): it could
     * not be told from a copy counted long ago, so it is not counted (a replay or a re-drive of an old event).
     */
    public static final String BEYOND_RETENTION = "beyond_retention";

    private Reasons() {
    }

    /** True when a fresher copy of the experiment definitions may lift the refusal. */
    public static boolean aboutExperiments(String reason) {
        return UNKNOWN_EXPERIMENT.equals(reason) || UNKNOWN_VARIANT.equals(reason) || EXPERIMENT_NOT_STARTED.equals(reason);
    }
}
