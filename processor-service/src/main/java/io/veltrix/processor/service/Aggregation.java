package io.veltrix.processor.service;

import io.veltrix.processor.EventFacts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the newly counted events of a batch change in the aggregates, computed in memory from the events and the
 * batch's players' participations as the database holds them (read under the per-player locks of the transaction,
 * so nobody else changes them meanwhile). Pure: unit-tested without a database. The README's "Read contract"
 * defines every table; in short:
 * <ul>
 *   <li>traffic: +1 per event and (event type, minute of occurrence);</li>
 *   <li>participants: an exposure creates the participant or moves its first exposure (and variant) earlier; ties
 *       at the same millisecond go to the smaller variant key, so the result never depends on arrival order;</li>
 *   <li>metrics: a counted event that is not an exposure adds to every participation of its player whose first
 *       exposure is at or before it: (event type: 1) and (event_type.property: value) for each numeric property;</li>
 *   <li>participations created or moved earlier by this batch are recomputed from the event log instead (their
 *       player's events counted before the exposure arrived count from the exposure on).</li>
 * </ul>
 *
 * @param traffic       per (event type, minute): events
 * @param participants  the exposures per participation, to be merged into processing.participant
 * @param metricDeltas  per (experiment, player, metric): what to add
 * @param recompute     participations whose metrics are recomputed from the event log, with their new first exposure
 */
public record Aggregation(List<TrafficDelta> traffic, List<ExposureDelta> participants, List<MetricDelta> metricDeltas,
                          List<Recompute> recompute) {

    /** One participation: a player in an experiment. */
    public record ParticipantKey(String experimentKey, String playerId) implements Comparable<ParticipantKey> {
        private static final Comparator<ParticipantKey> ORDER =
                Comparator.comparing(ParticipantKey::experimentKey).thenComparing(ParticipantKey::playerId);

        @Override
        public int compareTo(ParticipantKey other) {
            return ORDER.compare(this, other);
        }
    }

    /** A participation as stored: its first exposure (epoch ms). */
    public record Participation(ParticipantKey key, String variant, long firstExposedAt) {
    }

    public record TrafficDelta(String eventType, long minute, long events) {
    }

    /** The batch's exposures of one participation: earliest one (time, variant), how many, whether several variants. */
    public record ExposureDelta(ParticipantKey key, String variant, long firstExposedAt, long exposures, boolean multipleVariants) {
    }

    public record MetricDelta(ParticipantKey key, String metric, long events, double sum, double sumOfSquares) {
    }

    public record Recompute(ParticipantKey key, long firstExposedAt) {
    }

    /**
     * @param counted  the events of the batch counted now (new, deduplicated)
     * @param existing the stored participations of the batch's players
     */
    public static Aggregation of(List<EventFacts> counted, List<Participation> existing) {
        // hash maps while adding up, sorted once at the end (the rows are written in key order)
        Map<TrafficKey, long[]> traffic = new HashMap<>();
        TreeMap<ParticipantKey, FirstExposure> exposures = new TreeMap<>();
        for (EventFacts e : counted) {
            long at = e.occurredAt().toEpochMilli();
            traffic.computeIfAbsent(new TrafficKey(e.eventType(), at - Math.floorMod(at, MINUTE)), k -> new long[1])[0]++;
            if (e.exposure() != null) {
                exposures.computeIfAbsent(new ParticipantKey(e.exposure().experimentKey(), e.playerId()), k -> new FirstExposure())
                        .add(at, e.exposure().variant());
            }
        }
        List<TrafficDelta> trafficDeltas = new ArrayList<>(traffic.size());
        traffic.forEach((key, n) -> trafficDeltas.add(new TrafficDelta(key.eventType(), key.minute(), n[0])));
        trafficDeltas.sort(Comparator.comparing(TrafficDelta::eventType).thenComparingLong(TrafficDelta::minute));

        // each player's participations after this batch, and which of them are created or moved earlier
        Map<String, List<ParticipantKey>> byPlayer = new HashMap<>();
        Map<ParticipantKey, Long> first = new HashMap<>();
        for (Participation p : existing) {
            first.put(p.key(), p.firstExposedAt());
            byPlayer.computeIfAbsent(p.key().playerId(), k -> new ArrayList<>()).add(p.key());
        }
        List<ExposureDelta> exposureDeltas = new ArrayList<>(exposures.size());
        TreeMap<ParticipantKey, Long> recompute = new TreeMap<>();
        exposures.forEach((key, batch) -> {
            exposureDeltas.add(new ExposureDelta(key, batch.variant, batch.at, batch.count, batch.variants.size() > 1));
            Long stored = first.get(key);
            if (stored == null || batch.at < stored) {
                recompute.put(key, batch.at);
                if (stored == null) {
                    byPlayer.computeIfAbsent(key.playerId(), k -> new ArrayList<>()).add(key);
                }
                first.put(key, batch.at);
            }
        });

        Map<MetricKey, double[]> metrics = new HashMap<>();
        for (EventFacts e : counted) {
            if (!e.isMetric()) {
                continue;
            }
            List<ParticipantKey> participations = byPlayer.get(e.playerId());
            if (participations == null) {
                continue;
            }
            long at = e.occurredAt().toEpochMilli();
            for (ParticipantKey key : participations) {
                if (recompute.containsKey(key) || first.get(key) > at) {
                    continue;
                }
                add(metrics, new MetricKey(key, e.eventType()), 1);
                for (Map.Entry<String, Double> value : e.numericValues().entrySet()) {
                    add(metrics, new MetricKey(key, metricName(e.eventType(), value.getKey())), value.getValue());
                }
            }
        }
        List<Map.Entry<MetricKey, double[]>> sorted = new ArrayList<>(metrics.entrySet());
        sorted.sort(Map.Entry.comparingByKey());
        List<MetricDelta> metricDeltas = new ArrayList<>(sorted.size());
        for (Map.Entry<MetricKey, double[]> m : sorted) {
            double[] sums = m.getValue();
            metricDeltas.add(new MetricDelta(m.getKey().participant, m.getKey().metric, (long) sums[0], sums[1], sums[2]));
        }
        List<Recompute> recomputes = new ArrayList<>(recompute.size());
        recompute.forEach((key, at) -> recomputes.add(new Recompute(key, at)));
        return new Aggregation(trafficDeltas, exposureDeltas, metricDeltas, recomputes);
    }

    private static final long MINUTE = 60_000;
    private static final Map<String, Map<String, String>> METRIC_NAMES = new ConcurrentHashMap<>();

    /** {@code event_type.property}, made once per pair (not a new string per event). */
    static String metricName(String eventType, String property) {
        return METRIC_NAMES.computeIfAbsent(eventType, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(property, p -> eventType + "." + p);
    }

    private record TrafficKey(String eventType, long minute) {
    }

    private static void add(Map<MetricKey, double[]> metrics, MetricKey key, double value) {
        double[] sums = metrics.computeIfAbsent(key, k -> new double[3]);
        sums[0] += 1;
        sums[1] += value;
        sums[2] += value * value;
    }

    private record MetricKey(ParticipantKey participant, String metric) implements Comparable<MetricKey> {
        @Override
        public int compareTo(MetricKey other) {
            int c = participant.compareTo(other.participant);
            return c != 0 ? c : metric.compareTo(other.metric);
        }
    }

    /** The earliest exposure of one participation within a batch, and what else the batch saw of it. */
    private static final class FirstExposure {
        long at = Long.MAX_VALUE;
        String variant;
        long count;
        final Set<String> variants = new TreeSet<>();

        void add(long when, String name) {
            count++;
            variants.add(name);
            if (when < at || (when == at && name.compareTo(variant) < 0)) {
                at = when;
                variant = name;
            }
        }
    }
}
