package io.veltrix.systemtests.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.testing.Database;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the processor stored, read through the read contract (processing.participant, participant_metric,
 * traffic_minute, processed_event) for the test's own experiments, players and minutes only.
 */
final class StoredAggregates {

    private final Database db;

    StoredAggregates(Database db) {
        this.db = db;
    }

    long processedEvents(Collection<String> players) {
        return db.number("select count(*) from processing.processed_event where player_id = any(?)", array(players));
    }

    Map<String, String> participants(Collection<String> experiments) {
        Map<String, String> rows = new TreeMap<>();
        for (Map<String, Object> row : db.rows("select experiment_key, player_id, variant, first_exposed_at, exposures, "
                + "multiple_variants from processing.participant where experiment_key = any(?)", array(experiments))) {
            rows.put(row.get("experiment_key") + "/" + row.get("player_id"), row.get("variant") + " "
                    + ((Timestamp) row.get("first_exposed_at")).toInstant() + " " + row.get("exposures") + " "
                    + row.get("multiple_variants"));
        }
        return rows;
    }

    Map<String, List<Double>> metrics(Collection<String> experiments) {
        Map<String, List<Double>> rows = new TreeMap<>();
        for (Map<String, Object> row : db.rows("select experiment_key, player_id, metric, events, value_sum, value_sum_sq "
                + "from processing.participant_metric where experiment_key = any(?)", array(experiments))) {
            rows.put(row.get("experiment_key") + "/" + row.get("player_id") + "/" + row.get("metric"),
                    List.of(((Number) row.get("events")).doubleValue(), ((Number) row.get("value_sum")).doubleValue(),
                            ((Number) row.get("value_sum_sq")).doubleValue()));
        }
        return rows;
    }

    /** Traffic of the given event_type/minute keys (those absent count 0). */
    Map<String, Long> traffic(Collection<String> keys) {
        Map<String, Long> rows = new TreeMap<>();
        for (String key : keys) {
            String[] parts = key.split("/", 2);
            rows.put(key, db.number("select events from processing.traffic_minute where event_type = ? and minute = ?",
                    parts[0], Timestamp.from(Instant.parse(parts[1]))));
        }
        return rows;
    }

    /**
     * The traffic of every event type in the minutes from {@code from} on (30 minutes and one), before a test adds its
     * own: another test's window may share some of these minutes, and the counts are per minute for everyone.
     */
    Map<String, Long> trafficBaseline(Instant from) {
        Map<String, Long> rows = new TreeMap<>();
        for (Map<String, Object> row : db.rows("select event_type, minute, events from processing.traffic_minute "
                + "where minute >= ? and minute <= ?", Timestamp.from(from), Timestamp.from(from.plusSeconds(31 * 60)))) {
            rows.put(row.get("event_type") + "/" + ((Timestamp) row.get("minute")).toInstant(), ((Number) row.get("events")).longValue());
        }
        return rows;
    }

    /** Asserts the stored aggregates equal the expected ones (sums to 1e-9 relative: they are doubles). */
    void assertEqual(ExpectedAggregates expected, Collection<String> experiments, Collection<String> players) {
        assertEqual(expected, experiments, players, Map.of());
    }

    /** The same, the traffic on top of what the minutes held before ({@link #trafficBaseline}). */
    void assertEqual(ExpectedAggregates expected, Collection<String> experiments, Collection<String> players,
                     Map<String, Long> trafficBefore) {
        assertEquals(expected.distinctEvents, processedEvents(players), "distinct events counted");
        assertEquals(expected.participants, participants(experiments), "participants");
        Map<String, Long> expectedTraffic = new TreeMap<>();
        expected.traffic.forEach((key, n) -> expectedTraffic.put(key, n + trafficBefore.getOrDefault(key, 0L)));
        assertEquals(expectedTraffic, traffic(expected.traffic.keySet()), "traffic");
        Map<String, List<Double>> stored = metrics(experiments);
        assertEquals(expected.metrics.keySet(), stored.keySet(), "participant metrics");
        List<String> differences = new ArrayList<>();
        expected.metrics.forEach((key, sums) -> {
            for (int i = 0; i < 3; i++) {
                double want = sums.get(i);
                double got = stored.get(key).get(i);
                if (Math.abs(want - got) > 1e-9 * Math.max(1, Math.abs(want))) {
                    differences.add(key + ": expected " + sums + ", stored " + stored.get(key));
                    break;
                }
            }
        });
        assertEquals(List.of(), differences, "participant metric values");
    }

    /** One SQL array parameter (as Object, so that varargs do not spread it into several parameters). */
    private static Object array(Collection<String> values) {
        return values.toArray(String[]::new);
    }
}
