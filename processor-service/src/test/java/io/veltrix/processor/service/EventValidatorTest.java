package io.veltrix.processor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.processor.EventFacts;
import io.veltrix.processor.ExperimentDefinitions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private final EventValidator validator = new EventValidator(Duration.ofHours(1), Duration.ofDays(30));
    private final ExperimentDefinitions definitions = new ExperimentDefinitions(Map.of(
            "reward-boost", new ExperimentDefinitions.Experiment("reward-boost", "running", Set.of("control", "boost")),
            "old-test", new ExperimentDefinitions.Experiment("old-test", "stopped", Set.of("a", "b")),
            "next-test", new ExperimentDefinitions.Experiment("next-test", "draft", Set.of("a", "b"))), NOW, false);

    private static EventFacts event(Instant occurred, Instant received, Map<String, Double> numbers, EventFacts.Exposure exposure) {
        return new EventFacts("game", "e-1", exposure == null ? "treasure_claimed" : "experiment_viewed", "p-1", occurred,
                received, numbers, exposure, EventFacts.Origin.UNKNOWN);
    }

    private Optional<String> reason(EventFacts event) {
        return validator.validate(event, definitions, NOW).map(Violation::reason);
    }

    @Test
    void acceptsAnOrdinaryEventAndAKnownExposure() {
        assertEquals(Optional.empty(), reason(event(NOW.minusSeconds(5), NOW, Map.of("coins", 5.0), null)));
        assertEquals(Optional.empty(), reason(event(NOW, NOW, Map.of(), new EventFacts.Exposure("reward-boost", "boost"))));
        // a stopped experiment's late exposures still happened while it ran
        assertEquals(Optional.empty(), reason(event(NOW, NOW, Map.of(), new EventFacts.Exposure("old-test", "a"))));
    }

    @Test
    void refusesExposuresToUnknownExperimentsVariantsAndDrafts() {
        Violation unknown = validator.validate(event(NOW, NOW, Map.of(), new EventFacts.Exposure("nope", "a")), definitions, NOW).orElseThrow();
        assertEquals(Reasons.UNKNOWN_EXPERIMENT, unknown.reason());
        assertEquals("$.properties.experiment_key", unknown.path());
        assertTrue(unknown.aboutExperiments());
        Violation variant = validator.validate(event(NOW, NOW, Map.of(), new EventFacts.Exposure("reward-boost", "b")), definitions, NOW).orElseThrow();
        assertEquals(Reasons.UNKNOWN_VARIANT, variant.reason());
        assertEquals("$.properties.variant", variant.path());
        assertEquals(Optional.of(Reasons.EXPERIMENT_NOT_STARTED),
                reason(event(NOW, NOW, Map.of(), new EventFacts.Exposure("next-test", "a"))));
    }

    @Test
    void noExperimentIsKnownWhileTheContractIsMissing() {
        ExperimentDefinitions missing = new ExperimentDefinitions(Map.of(), NOW, true);
        Violation violation = validator.validate(event(NOW, NOW, Map.of(), new EventFacts.Exposure("reward-boost", "boost")),
                missing, NOW).orElseThrow();
        assertEquals(Reasons.UNKNOWN_EXPERIMENT, violation.reason());
        assertTrue(violation.message().contains("no experiment is defined yet"), violation.message());
    }

    @Test
    void judgesTimeAgainstWhenIngestReceivedTheEvent() {
        Instant received = NOW.minus(Duration.ofDays(10)); // a backlog processed ten days late still counts
        assertEquals(Optional.empty(), reason(event(received.minus(Duration.ofDays(29)), received, Map.of(), null)));
        assertEquals(Optional.of(Reasons.TIMESTAMP_TOO_OLD), reason(event(received.minus(Duration.ofDays(31)), received, Map.of(), null)));
        assertEquals(Optional.empty(), reason(event(received.plus(Duration.ofMinutes(59)), received, Map.of(), null)));
        assertEquals(Optional.of(Reasons.TIMESTAMP_IN_FUTURE), reason(event(received.plus(Duration.ofMinutes(61)), received, Map.of(), null)));
        // a receive time in the future is a broken producer clock
        Instant later = NOW.plus(Duration.ofHours(2));
        assertEquals(Optional.of(Reasons.TIMESTAMP_IN_FUTURE), reason(event(later, later, Map.of(), null)));
    }

    @Test
    void refusesNumbersThatWouldPoisonTheSums() {
        Violation nan = validator.validate(event(NOW, NOW, Map.of("coins", Double.NaN), null), definitions, NOW).orElseThrow();
        assertEquals(Reasons.INVALID_NUMBER, nan.reason());
        assertEquals("$.properties.coins", nan.path());
        assertEquals(Optional.of(Reasons.INVALID_NUMBER), reason(event(NOW, NOW, Map.of("coins", Double.POSITIVE_INFINITY), null)));
    }

    @Test
    void refusesWhatCannotBeIdentifiedOrStored() {
        EventFacts noPlayer = new EventFacts("game", "e-1", "treasure_claimed", " ", NOW, NOW, Map.of(), null, EventFacts.Origin.UNKNOWN);
        assertEquals(Optional.of(Reasons.MISSING_IDENTITY), reason(noPlayer));
        EventFacts noId = new EventFacts("game", "", "treasure_claimed", "p", NOW, NOW, Map.of(), null, EventFacts.Origin.UNKNOWN);
        assertEquals(Optional.of(Reasons.MISSING_EVENT_ID), reason(noId));
        EventFacts nul = new EventFacts("game", "e\u0000", "treasure_claimed", "p", NOW, NOW, Map.of(), null, EventFacts.Origin.UNKNOWN);
        assertEquals(Optional.of(Reasons.INVALID_CHARACTER), reason(nul));
    }
}
