package io.veltrix.ingest.messaging;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchingDelaySettingTest {

    @Test
    void aDelayPulsarWouldRefuseStopsTheStartWithTheSettingsName() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> EventPublisher.checkBatchingDelay(true, Duration.ofNanos(999_999)));
        assertTrue(refused.getMessage().startsWith("veltrix.ingest.raw-batching-delay must be at least 1 ms"),
                refused.getMessage());
        assertThrows(IllegalStateException.class, () -> EventPublisher.checkBatchingDelay(true, Duration.ZERO));
    }

    @Test
    void oneMillisecondAndMoreAreAcceptedAndWithoutBatchingTheDelayIsNotUsed() {
        assertDoesNotThrow(() -> EventPublisher.checkBatchingDelay(true, Duration.ofMillis(1)));
        assertDoesNotThrow(() -> EventPublisher.checkBatchingDelay(true, Duration.ofMillis(20)));
        assertDoesNotThrow(() -> EventPublisher.checkBatchingDelay(false, Duration.ZERO));
    }
}
