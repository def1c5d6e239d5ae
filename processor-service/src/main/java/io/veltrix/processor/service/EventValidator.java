package io.veltrix.processor.service;

import io.veltrix.processor.EventFacts;
import io.veltrix.processor.ExperimentDefinitions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The semantic checks the schema cannot express. Pure: the clock and the experiment definitions are
 * arguments, so every rule is unit-tested without a database.
 *
 * <p>Time is judged against when ingest received the event, not against now: a backlog processed days later
 * (after an outage, or a replay) must count exactly as it would have on time.
 */
public final class EventValidator {

    private final Duration maxFutureSkew;
    private final Duration maxEventAge;

    public EventValidator(Duration maxFutureSkew, Duration maxEventAge) {
        this.maxFutureSkew = maxFutureSkew;
        this.maxEventAge = maxEventAge;
    }

    /** The first rule the event breaks, or empty when it may be counted. */
    public Optional<Violation> validate(EventFacts event, ExperimentDefinitions definitions, Instant now) {
        if (blank(event.playerId())) {
            return violation(Reasons.MISSING_IDENTITY, "$.userId", "the event has no player id (userId or anonymousId)");
        }
        if (blank(event.eventId()) || blank(event.sourceId())) {
            return violation(Reasons.MISSING_EVENT_ID, "$.messageId",
                    "the event has no event id or no source: it could not be counted exactly once");
        }
        Optional<Violation> characters = characters(event);
        if (characters.isPresent()) {
            return characters;
        }
        Optional<Violation> time = time(event, now);
        if (time.isPresent()) {
            return time;
        }
        for (Map.Entry<String, Double> value : event.numericValues().entrySet()) {
            if (value.getValue() == null || !Double.isFinite(value.getValue())) {
                return violation(Reasons.INVALID_NUMBER, "$.properties." + value.getKey(),
                        value.getKey() + " is " + value.getValue() + ": only finite numbers can be summed");
            }
        }
        return event.exposure() == null ? Optional.empty() : exposure(event.exposure(), definitions);
    }

    private Optional<Violation> time(EventFacts event, Instant now) {
        Instant received = event.receivedAt() == null ? now : event.receivedAt();
        if (received.isAfter(now.plus(maxFutureSkew))) {
            return violation(Reasons.TIMESTAMP_IN_FUTURE, "$.receivedAt", "the event claims to have been received at "
                    + received + ", after now (" + now + ") plus " + maxFutureSkew);
        }
        if (event.occurredAt().isAfter(received.plus(maxFutureSkew))) {
            return violation(Reasons.TIMESTAMP_IN_FUTURE, "$.timestamp", "the event would have happened at "
                    + event.occurredAt() + ", more than " + maxFutureSkew + " after it was received (" + received + ")");
        }
        if (event.occurredAt().isBefore(received.minus(maxEventAge))) {
            return violation(Reasons.TIMESTAMP_TOO_OLD, "$.timestamp", "the event happened at " + event.occurredAt()
                    + ", more than " + maxEventAge + " before it was received (" + received + ")");
        }
        return Optional.empty();
    }

    private static Optional<Violation> exposure(EventFacts.Exposure exposure, ExperimentDefinitions definitions) {
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

    private static Optional<Violation> characters(EventFacts event) {
        String[][] texts = {{"$.messageId", event.eventId()}, {"$.userId", event.playerId()}, {"$.writeKey", event.sourceId()},
                {"$.properties.experiment_key", event.exposure() == null ? null : event.exposure().experimentKey()},
                {"$.properties.variant", event.exposure() == null ? null : event.exposure().variant()}};
        for (String[] text : texts) {
            if (text[1] != null && text[1].indexOf('\u0000') >= 0) {
                return violation(Reasons.INVALID_CHARACTER, text[0], "the value contains the character U+0000");
            }
        }
        return Optional.empty();
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static Optional<Violation> violation(String reason, String path, String message) {
        return Optional.of(new Violation(reason, path, message));
    }
}
