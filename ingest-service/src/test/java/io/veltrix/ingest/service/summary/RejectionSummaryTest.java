package io.veltrix.ingest.service.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.ingest.StoredRejection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RejectionSummaryTest {

    static StoredRejection r(String reason, String type, String version, String sdk, String sdkVersion, String source,
                             String stage, int second) {
        return new StoredRejection("id", "r", stage, reason, "$.p", "msg-" + second, type, "e" + second, "p", source, "k",
                sdk, sdkVersion, version, Instant.EPOCH, Instant.ofEpochSecond(second), "json", new byte[0], Map.of());
    }

    @Test
    void countsByEveryDimensionAndByCombination() {
        RejectionSummary summary = new RejectionSummary();
        summary.add(r("wrong_type", "clue_found", "2", "analytics-node", "3.1.0", "th", "ingest", 10));
        summary.add(r("wrong_type", "clue_found", "2", "analytics-node", "3.1.0", "th", "ingest", 30));
        summary.add(r("wrong_type", "clue_found", "2", "analytics-ios", null, "th", "ingest", 20));
        summary.add(r("unknown_event_type", "dragon_slain", null, null, null, "other", "ingest", 5));
        summary.add(r("unknown_property", "clue_found", "3", "analytics-node", "3.1.0", "th", "replay", 40));

        RejectionSummary.Counts counts = summary.counts(2);
        assertEquals(5, counts.total());
        assertEquals(List.of("wrong_type", "unknown_event_type", "unknown_property"), List.copyOf(counts.byReason().keySet()));
        assertEquals(3L, counts.byReason().get("wrong_type"));
        assertEquals(Map.of("clue_found", 4L, "dragon_slain", 1L), counts.byEventType());
        assertEquals(Map.of("clue_found:2", 3L, "clue_found:3", 1L, "(none)", 1L), counts.bySchemaVersion());
        assertEquals(Map.of("analytics-node 3.1.0", 3L, "analytics-ios", 1L, "(none)", 1L), counts.bySdk());
        assertEquals(Map.of("th", 4L, "other", 1L), counts.bySource());
        assertEquals(Map.of("ingest", 4L, "replay", 1L), counts.byStage());

        assertEquals(4, counts.groupCount());
        assertEquals(2, counts.groups().size());
        RejectionSummary.Group top = counts.groups().get(0);
        assertEquals(2, top.count());
        assertEquals("analytics-node 3.1.0", top.sdk());
        assertEquals(Instant.ofEpochSecond(10), top.firstRejectedAt());
        assertEquals(Instant.ofEpochSecond(30), top.lastRejectedAt());
        assertEquals("msg-30", top.exampleMessage(), "the latest example");
    }

    @Test
    void onATieTheExampleIsTheLaterInTopicOrder() {
        // the events of one request are refused within the same millisecond: the example must not depend on that
        RejectionSummary summary = new RejectionSummary();
        for (String path : List.of("$.batch[0].x", "$.batch[1].x", "$.batch[2].x")) {
            summary.add(new StoredRejection("id", "r", "ingest", "wrong_type", path, "m", "clue_found", "e", "p", "th",
                    "k", null, null, "1", Instant.EPOCH, Instant.ofEpochMilli(1_000), "json", new byte[0], Map.of()));
        }
        assertEquals("$.batch[2].x", summary.counts(10).groups().get(0).examplePath());
    }
}
