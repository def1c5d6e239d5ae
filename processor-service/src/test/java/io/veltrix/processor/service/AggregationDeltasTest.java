package io.veltrix.processor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.processor.EventFacts;
import io.veltrix.processor.EventKeys;
import io.veltrix.processor.service.Aggregation.ExposureDelta;
import io.veltrix.processor.service.Aggregation.MetricDelta;
import io.veltrix.processor.service.Aggregation.ParticipantKey;
import io.veltrix.processor.service.Aggregation.Participation;
import io.veltrix.processor.service.Aggregation.Recompute;
import io.veltrix.processor.service.Aggregation.TrafficDelta;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a batch changes in the aggregates, computed in memory (the README's "Read contract"). */
class AggregationDeltasTest {

    private static final Instant T = Instant.parse("2026-11-30T10:00:00Z");
    private static final ParticipantKey A_P1 = new ParticipantKey("exp-a", "p1");
    private static final ParticipantKey B_P1 = new ParticipantKey("exp-b", "p1");

    @Test
    void trafficCountsEveryEventByTypeAndMinuteOfOccurrence() {
        Aggregation a = Aggregation.of(List.of(purchase("e1", "p1", T.plusSeconds(5), 2.0),
                purchase("e2", "p2", T.plusSeconds(59), 3.0), purchase("e3", "p1", T.plusSeconds(61), 1.0),
                exposure("e4", "p1", T, "exp-a", "control")), List.of());
        assertEquals(List.of(new TrafficDelta("experiment_viewed", T.toEpochMilli(), 1),
                new TrafficDelta("purchase_completed", T.toEpochMilli(), 2),
                new TrafficDelta("purchase_completed", T.plusSeconds(60).toEpochMilli(), 1)), a.traffic());
    }

    @Test
    void anExistingParticipationGetsTheEventsAtOrAfterItsFirstExposure() {
        Participation stored = new Participation(A_P1, "control", T.toEpochMilli());
        Aggregation a = Aggregation.of(List.of(purchase("e1", "p1", T, 2.0), purchase("e2", "p1", T.plusSeconds(1), 3.0),
                purchase("e3", "p1", T.minusMillis(1), 100.0), purchase("e4", "p2", T.plusSeconds(1), 7.0)), List.of(stored));
        assertEquals(List.of(
                new MetricDelta(A_P1, "purchase_completed", 2, 2, 2),
                new MetricDelta(A_P1, "purchase_completed.revenue", 2, 5.0, 13.0)), a.metricDeltas());
        assertEquals(List.of(), a.recompute());
        assertEquals(List.of(), a.participants());
    }

    @Test
    void aNewOrEarlierFirstExposureIsRecomputedFromTheEventLogInsteadOfAdded() {
        Participation storedB = new Participation(B_P1, "boost", T.toEpochMilli());
        Aggregation a = Aggregation.of(List.of(
                exposure("x1", "p1", T.plusSeconds(30), "exp-a", "boost"),
                exposure("x2", "p1", T.plusSeconds(10), "exp-a", "control"),
                exposure("x3", "p1", T.minusSeconds(60), "exp-b", "control"),
                purchase("e1", "p1", T.plusSeconds(40), 5.0)), List.of(storedB));
        assertEquals(List.of(new ExposureDelta(A_P1, "control", T.plusSeconds(10).toEpochMilli(), 2, true),
                new ExposureDelta(B_P1, "control", T.minusSeconds(60).toEpochMilli(), 1, false)), a.participants());
        assertEquals(List.of(new Recompute(A_P1, T.plusSeconds(10).toEpochMilli()),
                new Recompute(B_P1, T.minusSeconds(60).toEpochMilli())), a.recompute());
        // both participations are recomputed: nothing added on top (it would count the purchase twice)
        assertEquals(List.of(), a.metricDeltas());
    }

    @Test
    void aLaterExposureOfAKnownParticipantChangesNothingButTheCount() {
        Participation stored = new Participation(A_P1, "control", T.toEpochMilli());
        Aggregation a = Aggregation.of(List.of(exposure("x1", "p1", T.plusSeconds(30), "exp-a", "control"),
                purchase("e1", "p1", T.plusSeconds(40), 5.0)), List.of(stored));
        assertEquals(List.of(), a.recompute());
        assertEquals(List.of(new MetricDelta(A_P1, "purchase_completed", 1, 1, 1),
                new MetricDelta(A_P1, "purchase_completed.revenue", 1, 5.0, 25.0)), a.metricDeltas());
    }

    @Test
    void aTieAtTheSameMillisecondGoesToTheSmallerVariant() {
        Aggregation a = Aggregation.of(List.of(exposure("x1", "p1", T, "exp-a", "zeta"),
                exposure("x2", "p1", T, "exp-a", "alpha")), List.of());
        assertEquals("alpha", a.participants().get(0).variant());
    }

    private static EventFacts purchase(String id, String player, Instant at, double revenue) {
        return new EventFacts(EventKeys.of("game", id), "game", id, "purchase_completed", player, at, at,
                Map.of("revenue", revenue), null, EventFacts.Origin.UNKNOWN);
    }

    private static EventFacts exposure(String id, String player, Instant at, String experiment, String variant) {
        return new EventFacts(EventKeys.of("game", id), "game", id, EventFacts.EXPOSURE_EVENT, player, at, at, Map.of(),
                new EventFacts.Exposure(experiment, variant), EventFacts.Origin.UNKNOWN);
    }
}
