package io.veltrix.processor.service;

import io.veltrix.processor.EventFacts;
import io.veltrix.processor.ExperimentDefinitions;
import io.veltrix.schemas.rules.RuleViolation;
import java.util.Optional;

/** Checks an exposure against the experiment definitions: the experiment and its variant exist, and it was started. */
public final class ExposureValidator {

    private ExposureValidator() {
    }

    /** Empty when the event is not an exposure or names a started experiment and one of its variants. */
    public static Optional<RuleViolation> check(EventFacts event, ExperimentDefinitions definitions) {
        EventFacts.Exposure exposure = event.exposure();
        if (exposure == null) {
            return Optional.empty();
        }
        Optional<ExperimentDefinitions.Experiment> experiment = definitions.find(exposure.experimentKey());
        if (experiment.isEmpty()) {
            return violation(Reasons.UNKNOWN_EXPERIMENT, "$.properties.experiment_key",
                    "no experiment has the key '" + exposure.experimentKey() + "'"
                            + (definitions.contractMissing() ? " (no experiment is defined yet)" : ""));
        }
        if (exposure.variant() == null || !experiment.get().variants().contains(exposure.variant())) {
            return violation(Reasons.UNKNOWN_VARIANT, "$.properties.variant", "experiment '" + exposure.experimentKey()
                    + "' has no variant '" + exposure.variant() + "' (variants: " + experiment.get().variants() + ")");
        }
        if (ExperimentDefinitions.DRAFT.equals(experiment.get().status())) {
            return violation(Reasons.EXPERIMENT_NOT_STARTED, "$.properties.experiment_key",
                    "experiment '" + exposure.experimentKey() + "' is a draft: it was never started");
        }
        return Optional.empty();
    }

    private static Optional<RuleViolation> violation(String reason, String path, String message) {
        return Optional.of(new RuleViolation(reason, path, message));
    }
}
