package io.veltrix.processor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.testing.ConfigMappings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The processor's settings as checked at its start: the defaults pass, a value it cannot work with is named. */
class SettingsValidationTest {

    private static List<String> problems(Map<String, String> values) {
        return ConfigMappings.problems(ProcessorConfig.class, values);
    }

    private static void refused(String key, String value) {
        ConfigMappings.assertRefused(ProcessorConfig.class, key, value);
    }

    @Test
    void theDefaultsAreAccepted() {
        assertEquals(List.of(), problems(Map.of()));
    }

    @Test
    void aPipelineThatCouldNeverTakeABatchIsRefused() {
        // no batch in flight: the channel would wait for room forever; an empty batch or no wait: nothing to commit
        refused("veltrix.processor.batch.in-flight", "0");
        refused("veltrix.processor.batch.max-events", "0");
        refused("veltrix.processor.batch.max-wait", "PT0S");
    }

    @Test
    void retentionAndRetrySettingsAreChecked() {
        refused("veltrix.processor.retention.partition-width", "PT0.5S");
        refused("veltrix.processor.retention.dedupe-tolerance", "-PT1H");
        refused("veltrix.processor.retry.first-backoff", "PT0S");
        refused("veltrix.processor.experiments.refresh-interval", "PT0S");
        assertEquals(List.of(), problems(Map.of("veltrix.processor.retention.partition-width", "PT1S",
                "veltrix.processor.shutdown.grace", "PT0S")));
    }

    @Test
    void theCrashTestsFaultPointMustCountCommits() {
        refused("veltrix.processor.fault.halt-after-commits", "0");
        assertEquals(List.of(), problems(Map.of("veltrix.processor.fault.halt-after-commits", "3")));
    }
}
