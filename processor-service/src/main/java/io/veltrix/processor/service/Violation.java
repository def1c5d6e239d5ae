package io.veltrix.processor.service;

/**
 * Why a well-formed event is refused by the processor (a semantic check the schema cannot express).
 *
 * @param reason  machine-readable reason code (see {@link Reasons})
 * @param path    JSON path of the offending value in the tracked event, e.g. {@code $.properties.variant}
 * @param message human-readable explanation
 */
public record Violation(String reason, String path, String message) {

    /** True when the violation depends on the experiment definitions (a fresher copy may lift it). */
    public boolean aboutExperiments() {
        return Reasons.UNKNOWN_EXPERIMENT.equals(reason) || Reasons.UNKNOWN_VARIANT.equals(reason)
                || Reasons.EXPERIMENT_NOT_STARTED.equals(reason);
    }
}
