package io.veltrix.ingest.service.summary;

import io.veltrix.ingest.StoredRejection;
import io.veltrix.schemas.rejection.RejectedEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts rejections by reason, event type, schema version, SDK, source and stage, and by their combination (with
 * one example each), so that "what is wrong, since when, from which game and SDK" is one request away.
 * Not thread-safe: one per summary.
 */
public final class RejectionSummary {

    static final String NONE = "(none)";

    /** One combination of the dimensions, with its count and an example. */
    public record Group(String reason, String eventType, String schemaVersion, String sdk, String sourceId, String stage,
                        long count, Instant firstRejectedAt, Instant lastRejectedAt, String examplePath,
                        String exampleMessage, String exampleEventId) {
    }

    /** Counts per dimension, largest first, and the largest groups. */
    public record Counts(long total, Map<String, Long> byReason, Map<String, Long> byEventType,
                         Map<String, Long> bySchemaVersion, Map<String, Long> bySdk, Map<String, Long> bySource,
                         Map<String, Long> byStage, List<Group> groups, long groupCount) {
    }

    private record Key(String reason, String eventType, String schemaVersion, String sdk, String sourceId, String stage) {
    }

    private static final class Tally {
        long count;
        Instant first;
        Instant last;
        StoredRejection example;
    }

    private long total;
    private final Map<String, Long> byReason = new HashMap<>();
    private final Map<String, Long> byEventType = new HashMap<>();
    private final Map<String, Long> bySchemaVersion = new HashMap<>();
    private final Map<String, Long> bySdk = new HashMap<>();
    private final Map<String, Long> bySource = new HashMap<>();
    private final Map<String, Long> byStage = new HashMap<>();
    private final Map<Key, Tally> groups = new HashMap<>();

    public void add(StoredRejection r) {
        // a summary record stands for the rejected events of a request beyond its limit of records
        long n = 1;
        if (RejectedEvents.SCOPE_SUMMARY.equals(r.property(RejectedEvents.PROP_SCOPE))) {
            try {
                n = Math.max(1, Long.parseLong(r.property(RejectedEvents.PROP_OMITTED)));
            } catch (NumberFormatException e) {
                n = 1;
            }
        }
        total += n;
        String reason = label(r.reason());
        String eventType = label(r.eventType());
        String schemaVersion = schemaVersion(r);
        String sdk = sdk(r);
        String source = label(r.sourceId());
        String stage = label(r.stage());
        byReason.merge(reason, n, Long::sum);
        byEventType.merge(eventType, n, Long::sum);
        bySchemaVersion.merge(schemaVersion, n, Long::sum);
        bySdk.merge(sdk, n, Long::sum);
        bySource.merge(source, n, Long::sum);
        byStage.merge(stage, n, Long::sum);
        Tally tally = groups.computeIfAbsent(new Key(reason, eventType, schemaVersion, sdk, source, stage), k -> new Tally());
        tally.count += n;
        if (tally.first == null || r.rejectedAt().isBefore(tally.first)) {
            tally.first = r.rejectedAt();
        }
        // the example is the latest; rejections come in topic order, so on a tie (same millisecond) the later one
        if (tally.last == null || !r.rejectedAt().isBefore(tally.last)) {
            tally.last = r.rejectedAt();
            tally.example = r;
        }
    }

    /** The counts, with at most {@code maxGroups} groups (the largest). */
    public Counts counts(int maxGroups) {
        List<Group> top = new ArrayList<>();
        groups.forEach((key, tally) -> top.add(new Group(key.reason(), key.eventType(), key.schemaVersion(), key.sdk(),
                key.sourceId(), key.stage(), tally.count, tally.first, tally.last, tally.example.path(),
                tally.example.message(), tally.example.eventId())));
        top.sort(Comparator.comparingLong(Group::count).reversed().thenComparing(Group::lastRejectedAt,
                Comparator.reverseOrder()));
        return new Counts(total, sorted(byReason), sorted(byEventType), sorted(bySchemaVersion), sorted(bySdk),
                sorted(bySource), sorted(byStage), List.copyOf(top.subList(0, Math.min(Math.max(0, maxGroups), top.size()))),
                top.size());
    }

    /** {@code treasure_claimed:3}: a version number means nothing without its event type. */
    static String schemaVersion(StoredRejection r) {
        if (r.schemaVersion() == null) {
            return NONE;
        }
        return label(r.eventType()) + ":" + r.schemaVersion();
    }

    /** {@code @segment/analytics-node 3.1.0}. */
    static String sdk(StoredRejection r) {
        if (r.libraryName() == null) {
            return NONE;
        }
        return r.libraryName() + (r.libraryVersion() == null ? "" : " " + r.libraryVersion());
    }

    private static String label(String value) {
        return value == null || value.isBlank() ? NONE : value;
    }

    private static Map<String, Long> sorted(Map<String, Long> counts) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
