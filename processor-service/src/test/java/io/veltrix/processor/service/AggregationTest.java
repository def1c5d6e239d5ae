package io.veltrix.processor.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.processor.ProcessorStackTest;
import io.veltrix.processor.TestExperiments;
import io.veltrix.testing.RealStackResource;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Participants, their metrics and the traffic counts, through the real Pulsar and PostgreSQL: events published
 * to events.raw as ingest would, aggregates read back with JDBC. Every test uses its own players, event ids,
 * experiment keys and (for traffic) its own past minute.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class AggregationTest extends ProcessorStackTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    MeterRegistry registry;
    private static TestExperiments experiments;

    @BeforeAll
    static void migrateExperiments() {
        experiments = new TestExperiments(stack);
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    @Test
    void conversionsCountedBeforeTheExposureArrivedCountFromTheExposureOn() {
        String experiment = id("agg-late-exposure");
        experiments.create(experiment, "running", "control", "boost");
        String player = id("p");
        Instant exposed = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MILLIS);

        // the conversions arrive (and are counted) first; one of them happened before the exposure
        raw.publish(raw.purchase(id("e"), player, exposed.plusSeconds(60), 10.0, 2),
                raw.treasureClaimed(id("e"), player, exposed.plusSeconds(120), 50),
                raw.treasureClaimed(id("e"), player, exposed.minusSeconds(300), 7));
        awaitProcessed(player, 3);
        assertEquals(0, db.number("select count(*) from processing.participant where experiment_key = ?", experiment));

        raw.publish(raw.exposure(id("e"), player, exposed, experiment, "boost"));
        awaitParticipant(experiment, player);
        Map<String, List<Double>> expected = new TreeMap<>(Map.of(
                "purchase_completed", List.of(1.0, 1.0, 1.0),
                "purchase_completed.revenue", List.of(1.0, 10.0, 100.0),
                "purchase_completed.quantity", List.of(1.0, 2.0, 4.0),
                "treasure_claimed", List.of(1.0, 1.0, 1.0),
                "treasure_claimed.coins", List.of(1.0, 50.0, 2500.0)));
        assertEquals(expected, metrics(experiment, player));
        Map<String, Object> participant = participant(experiment, player);
        assertEquals("boost", participant.get("variant"));
        assertEquals(exposed, ((Timestamp) participant.get("first_exposed_at")).toInstant());

        // later events add to the metrics
        raw.publish(raw.treasureClaimed(id("e"), player, exposed.plusSeconds(180), 5));
        expected.put("treasure_claimed", List.of(2.0, 2.0, 2.0));
        expected.put("treasure_claimed.coins", List.of(2.0, 55.0, 2525.0));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> expected.equals(metrics(experiment, player)));
    }

    @Test
    void anEarlierExposureArrivingLateMovesTheFirstExposureAndItsVariant() {
        String experiment = id("agg-earlier-exposure");
        experiments.create(experiment, "running", "control", "boost");
        String player = id("p");
        Instant first = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MILLIS);

        raw.publish(raw.exposure(id("e"), player, first.plusSeconds(600), experiment, "boost"),
                raw.treasureClaimed(id("e"), player, first.plusSeconds(300), 7),
                raw.treasureClaimed(id("e"), player, first.plusSeconds(900), 50));
        awaitProcessed(player, 3);
        awaitParticipant(experiment, player);
        assertEquals(Map.of("treasure_claimed", List.of(1.0, 1.0, 1.0), "treasure_claimed.coins", List.of(1.0, 50.0, 2500.0)),
                metrics(experiment, player));

        raw.publish(raw.exposure(id("e"), player, first, experiment, "control"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> "control".equals(participant(experiment, player).get("variant")));
        Map<String, Object> participant = participant(experiment, player);
        assertEquals(first, ((Timestamp) participant.get("first_exposed_at")).toInstant());
        assertEquals(2L, participant.get("exposures"));
        assertEquals(true, participant.get("multiple_variants"));
        assertEquals(Map.of("treasure_claimed", List.of(2.0, 2.0, 2.0), "treasure_claimed.coins", List.of(2.0, 57.0, 2549.0)),
                metrics(experiment, player));
    }

    @Test
    void aDuplicateIsCountedOnceAndTrafficCountsEachEventOnce() {
        String experiment = id("agg-duplicates");
        experiments.create(experiment, "running", "control", "boost");
        String player = id("p");
        // a minute of this test's own, in the past, so that its traffic count is this test's alone
        Instant minute = Instant.now().minus(Duration.ofMinutes(60 + ThreadLocalRandom.current().nextInt(20 * 24 * 60)))
                .truncatedTo(ChronoUnit.MINUTES);
        String duplicated = id("e");
        raw.publish(raw.exposure(id("e"), player, minute.plusSeconds(1), experiment, "control"),
                raw.treasureClaimed(duplicated, player, minute.plusSeconds(10), 20),
                raw.treasureClaimed(duplicated, player, minute.plusSeconds(10), 20));
        awaitProcessed(player, 2);
        // the same event again later (a redelivery, a client retry), then a marker behind it on the same key
        raw.publish(raw.treasureClaimed(duplicated, player, minute.plusSeconds(10), 20));
        raw.publish(raw.treasureClaimed(id("e"), player, minute.plusSeconds(20), 1));
        awaitProcessed(player, 3);

        assertEquals(Map.of("treasure_claimed", List.of(2.0, 2.0, 2.0), "treasure_claimed.coins", List.of(2.0, 21.0, 401.0)),
                metrics(experiment, player));
        assertEquals(2, db.number("select events from processing.traffic_minute where event_type = 'treasure_claimed' and minute = ?",
                Timestamp.from(minute)));
        assertEquals(1, db.number("select events from processing.traffic_minute where event_type = 'experiment_viewed' and minute = ?",
                Timestamp.from(minute)));
    }

    @Test
    void aCopyPublishedAgainAsANewMessageRollsItsBatchBackAndIsCountedOnceWithoutADeadLetter() {
        // a client's retry that ingest published twice: a new message (never redelivered), so its batch is inserted
        // as new; the event log refuses the copy, and the batch is counted again looking for copies
        String experiment = id("agg-recount");
        experiments.create(experiment, "running", "control", "boost");
        String player = id("p");
        // noon of yesterday: far from a partition boundary, where copies are looked for first anyway
        Instant at = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofHours(12));
        String retried = id("e");
        raw.publish(raw.exposure(id("e"), player, at, experiment, "boost"), raw.treasureClaimed(retried, player, at.plusSeconds(5), 40));
        awaitProcessed(player, 2);
        double recounted = registry.counter("veltrix.processor.batches.recounted").count();
        double duplicates = registry.counter("veltrix.processor.events.duplicate").count();
        double failed = registry.counter("veltrix.processor.events.failed").count();

        raw.publish(raw.treasureClaimed(retried, player, at.plusSeconds(5), 40), raw.treasureClaimed(id("e"), player, at.plusSeconds(6), 2));
        awaitProcessed(player, 3);

        assertEquals(recounted + 1, registry.counter("veltrix.processor.batches.recounted").count(), "batches counted again");
        assertEquals(duplicates + 1, registry.counter("veltrix.processor.events.duplicate").count(), "copies suppressed");
        assertEquals(failed, registry.counter("veltrix.processor.events.failed").count(), "events refused for good");
        assertEquals(Map.of("treasure_claimed", List.of(2.0, 2.0, 2.0), "treasure_claimed.coins", List.of(2.0, 42.0, 1604.0)),
                metrics(experiment, player));
    }

    @Test
    void aCopyWhoseTimeLiesInTheNeighbouringPartitionIsCountedOnce() {
        // a client's retry through another request, whose time ingest corrected a little differently: the two times
        // lie on either side of midnight, in two partitions of the event log (a day each), within the dedupe
        // tolerance of each other (an hour): one event. Both batches are near a boundary: each goes in as a plain
        // insert whose events are also looked for in the partition next to their own; the second finds the copy
        // there, rolls back and is counted again looking for copies.
        String experiment = id("agg-boundary");
        experiments.create(experiment, "running", "control", "boost");
        String player = id("p");
        Instant midnight = Instant.now().truncatedTo(ChronoUnit.DAYS);
        String retried = id("e");
        double recounted = registry.counter("veltrix.processor.batches.recounted").count();
        raw.publish(raw.exposure(id("e"), player, midnight.minus(Duration.ofMinutes(10)), experiment, "boost"),
                raw.treasureClaimed(retried, player, midnight.minusSeconds(2), 40));
        awaitProcessed(player, 2);
        assertEquals(recounted, registry.counter("veltrix.processor.batches.recounted").count(), "no copy, no recount");
        double duplicates = registry.counter("veltrix.processor.events.duplicate").count();
        double failed = registry.counter("veltrix.processor.events.failed").count();

        raw.publish(raw.treasureClaimed(retried, player, midnight.plusSeconds(3), 40),
                raw.treasureClaimed(id("e"), player, midnight.plusSeconds(4), 2));
        awaitProcessed(player, 3);

        assertEquals(recounted + 1, registry.counter("veltrix.processor.batches.recounted").count(), "batches counted again");
        assertEquals(duplicates + 1, registry.counter("veltrix.processor.events.duplicate").count(), "copies suppressed");
        assertEquals(failed, registry.counter("veltrix.processor.events.failed").count(), "events refused for good");
        assertEquals(2, db.number("select count(*) from processing.processed_event where player_id = ? and occurred_at < ?",
                player, Timestamp.from(midnight)), "the exposure and the original, in yesterday's partition");
        assertEquals(1, db.number("select count(*) from processing.processed_event where player_id = ? and occurred_at >= ?",
                player, Timestamp.from(midnight)), "only the next event in today's");
        assertEquals(Map.of("treasure_claimed", List.of(2.0, 2.0, 2.0), "treasure_claimed.coins", List.of(2.0, 42.0, 1604.0)),
                metrics(experiment, player));
    }

    @Test
    void theSameMessageIdFromTwoPlayersIsTwoEventsAndEachOnesCopyIsSuppressed() {
        // two devices whose id generators collided: each player's event counts, in one batch and across batches
        String experiment = id("agg-identity");
        experiments.create(experiment, "running", "control", "boost");
        String first = id("p");
        String second = id("p");
        Instant at = Instant.now().minus(Duration.ofMinutes(40)).truncatedTo(ChronoUnit.MILLIS);
        String shared = id("e");
        raw.publish(raw.exposure(id("e"), first, at, experiment, "control"),
                raw.exposure(id("e"), second, at, experiment, "boost"),
                raw.treasureClaimed(shared, first, at.plusSeconds(10), 20),
                raw.treasureClaimed(shared, second, at.plusSeconds(10), 30),
                raw.treasureClaimed(shared, first, at.plusSeconds(10), 20));
        awaitProcessed(first, 2);
        awaitProcessed(second, 2);
        // each player's copy again later (a client retry), then a marker behind it on the same key
        raw.publish(raw.treasureClaimed(shared, second, at.plusSeconds(10), 30), raw.treasureClaimed(shared, first, at.plusSeconds(10), 20));
        raw.publish(raw.treasureClaimed(id("e"), first, at.plusSeconds(20), 1), raw.treasureClaimed(id("e"), second, at.plusSeconds(20), 1));
        awaitProcessed(first, 3);
        awaitProcessed(second, 3);

        assertEquals(Map.of("treasure_claimed", List.of(2.0, 2.0, 2.0), "treasure_claimed.coins", List.of(2.0, 21.0, 401.0)),
                metrics(experiment, first));
        assertEquals(Map.of("treasure_claimed", List.of(2.0, 2.0, 2.0), "treasure_claimed.coins", List.of(2.0, 31.0, 901.0)),
                metrics(experiment, second));
    }

    private static void awaitProcessed(String player, int events) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                db.number("select count(*) from processing.processed_event where player_id = ?", player) == events);
    }

    private static void awaitParticipant(String experiment, String player) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> db.number(
                "select count(*) from processing.participant where experiment_key = ? and player_id = ?", experiment, player) == 1);
    }

    private static Map<String, Object> participant(String experiment, String player) {
        return db.rows("select variant, first_exposed_at, exposures, multiple_variants from processing.participant "
                + "where experiment_key = ? and player_id = ?", experiment, player).get(0);
    }

    /** metric → [events, sum, sum of squares] */
    private static Map<String, List<Double>> metrics(String experiment, String player) {
        Map<String, List<Double>> metrics = new TreeMap<>();
        for (Map<String, Object> row : db.rows("select metric, events, value_sum, value_sum_sq from processing.participant_metric "
                + "where experiment_key = ? and player_id = ?", experiment, player)) {
            metrics.put((String) row.get("metric"), List.of(((Number) row.get("events")).doubleValue(),
                    ((Number) row.get("value_sum")).doubleValue(), ((Number) row.get("value_sum_sq")).doubleValue()));
        }
        return metrics;
    }
}
