package io.veltrix.systemtests.processor;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the processor should have stored for a set of events, computed independently of it, straight from the
 * definitions in the README ("Read contract"): every distinct messageId once; a participant per experiment and
 * player with their earliest exposure (ties: the smaller variant key); per participant and metric the count,
 * sum and sum of squares over the player's non-exposure events at or after that first exposure; traffic per
 * event type and minute of occurrence.
 */
final class ExpectedAggregates {

    /** experiment/player → "variant first_exposed_at exposures multiple_variants" */
    final Map<String, String> participants = new TreeMap<>();
    /** experiment/player/metric → [events, sum, sum of squares] */
    final Map<String, List<Double>> metrics = new TreeMap<>();
    /** event_type/minute → events */
    final Map<String, Long> traffic = new TreeMap<>();
    final int distinctEvents;

    ExpectedAggregates(Collection<TrackedEvent> sent) {
        Map<String, TrackedEvent> unique = new LinkedHashMap<>();
        for (TrackedEvent event : sent) {
            unique.putIfAbsent(event.messageId(), event);
        }
        distinctEvents = unique.size();
        Map<String, TrackedEvent> first = new TreeMap<>();
        Map<String, Long> exposures = new TreeMap<>();
        Map<String, java.util.Set<String>> variants = new TreeMap<>();
        for (TrackedEvent event : unique.values()) {
            traffic.merge(event.type() + "/" + event.at().truncatedTo(ChronoUnit.MINUTES), 1L, Long::sum);
            if (!event.isExposure()) {
                continue;
            }
            String key = event.properties().get("experiment_key") + "/" + event.player();
            String variant = (String) event.properties().get("variant");
            exposures.merge(key, 1L, Long::sum);
            variants.computeIfAbsent(key, k -> new java.util.TreeSet<>()).add(variant);
            TrackedEvent known = first.get(key);
            if (known == null || event.at().isBefore(known.at())
                    || (event.at().equals(known.at()) && variant.compareTo((String) known.properties().get("variant")) < 0)) {
                first.put(key, event);
            }
        }
        first.forEach((key, exposure) -> participants.put(key, exposure.properties().get("variant") + " "
                + exposure.at() + " " + exposures.get(key) + " " + (variants.get(key).size() > 1)));
        for (Map.Entry<String, TrackedEvent> participant : first.entrySet()) {
            String player = participant.getValue().player();
            Instant exposedAt = participant.getValue().at();
            for (TrackedEvent event : unique.values()) {
                if (event.isExposure() || !event.player().equals(player) || event.at().isBefore(exposedAt)) {
                    continue;
                }
                add(participant.getKey() + "/" + event.type(), 1.0);
                event.properties().forEach((name, value) -> {
                    if (value instanceof Number number) {
                        add(participant.getKey() + "/" + event.type() + "." + name, number.doubleValue());
                    }
                });
            }
        }
    }

    private void add(String key, double value) {
        List<Double> sums = metrics.getOrDefault(key, List.of(0.0, 0.0, 0.0));
        metrics.put(key, List.of(sums.get(0) + 1, sums.get(1) + value, sums.get(2) + value * value));
    }
}
