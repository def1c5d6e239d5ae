package io.veltrix.processor.service;

/** Reason codes of the processor's rejections (on {@code events.rejected}, stage {@code processor}). */
public final class Reasons {

    /** The envelope has no player id. */
    public static final String MISSING_IDENTITY = "missing_identity";
    /** The envelope has no event id or no source id: the event cannot be deduplicated. */
    public static final String MISSING_EVENT_ID = "missing_event_id";
    /** A text the processor stores contains U+0000, which PostgreSQL cannot store. */
    public static final String INVALID_CHARACTER = "invalid_character";
    /** occurred_at is later than received_at plus the allowed clock skew (or received_at is in the future). */
    public static final String TIMESTAMP_IN_FUTURE = "timestamp_in_future";
    /** occurred_at is older than received_at minus the allowed event age. */
    public static final String TIMESTAMP_TOO_OLD = "timestamp_too_old";
    /** A numeric property is NaN or infinite: it would poison every sum it enters. */
    public static final String INVALID_NUMBER = "invalid_number";
    /** The exposure names an experiment that does not exist. */
    public static final String UNKNOWN_EXPERIMENT = "unknown_experiment";
    /** The exposure names a variant the experiment does not have. */
    public static final String UNKNOWN_VARIANT = "unknown_variant";
    /** The exposure names an experiment that was never started (status draft). */
    public static final String EXPERIMENT_NOT_STARTED = "experiment_not_started";

    private Reasons() {
    }
}
