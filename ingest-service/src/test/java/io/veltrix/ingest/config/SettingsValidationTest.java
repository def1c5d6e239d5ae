package io.veltrix.ingest.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.testing.ConfigMappings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ingest's settings as checked at its start: the defaults pass, a value it cannot work with is named. */
class SettingsValidationTest {

    private static List<String> problems(Map<String, String> values) {
        return ConfigMappings.problems(IngestConfig.class, values);
    }

    private static void refused(String key, String value) {
        ConfigMappings.assertRefused(IngestConfig.class, key, value);
    }

    @Test
    void theDefaultsAreAccepted() {
        assertEquals(List.of(), problems(Map.of()));
    }

    @Test
    void aBatchingDelayUnderPulsarsMinimumIsRefused() {
        // Pulsar's producer refuses less than 1 ms, at the first publish: every request would have failed with 503
        refused("veltrix.ingest.raw-batching-delay", "PT0.000999S");
        refused("veltrix.ingest.raw-batching-delay", "PT0S");
        assertEquals(List.of(), problems(Map.of("veltrix.ingest.raw-batching-delay", "PT0.001S")));
    }

    @Test
    void sizesAndCountsMustBePositive() {
        refused("veltrix.ingest.max-in-flight-events", "0");
        refused("veltrix.ingest.max-event-bytes", "-1");
        refused("veltrix.ingest.duplicate-window-size", "0");
        refused("veltrix.ingest.replay-max-events", "0");
        // 0 is meaningful here: order by player, keep no rejection records beyond the summary, no Retry-After wait
        assertEquals(List.of(), problems(Map.of("veltrix.ingest.ordering-buckets", "0",
                "veltrix.ingest.max-rejections-per-request", "0", "veltrix.ingest.retry-after-seconds", "0")));
    }

    @Test
    void durationsCannotBeNegativeAndIntervalsNotZero() {
        refused("veltrix.ingest.max-future-skew", "-PT1S");
        refused("veltrix.ingest.publish-timeout", "PT0S");
        refused("veltrix.ingest.problem-log-interval", "PT0S");
    }

    @Test
    void aRateLimitOfOneWriteKeyIsCheckedToo() {
        refused("veltrix.ingest.rate-limits.game-a.events-per-second", "0");
        refused("veltrix.ingest.rate-limit.event-burst", "0");
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        List<String> problems = problems(Map.of("veltrix.ingest.max-in-flight-events", "0",
                "veltrix.ingest.raw-batching-delay", "PT0S", "veltrix.ingest.schema-refresh", "-PT1S"));
        assertEquals(3, problems.size(), problems.toString());
    }
}
