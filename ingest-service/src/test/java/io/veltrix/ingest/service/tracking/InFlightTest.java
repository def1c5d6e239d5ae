package io.veltrix.ingest.service.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.service.RequestRefusedException;
import io.veltrix.ingest.service.observability.IngestMetrics;
import io.veltrix.ingest.service.observability.ProblemLog;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The instance's budget of events and bytes being handled at once. */
class InFlightTest {

    static IngestConfig config(Map<String, Object> values) {
        return (IngestConfig) Proxy.newProxyInstance(IngestConfig.class.getClassLoader(), new Class<?>[] {IngestConfig.class},
                (proxy, method, args) -> {
                    Object value = values.get(method.getName());
                    if (value == null && method.getReturnType() == Duration.class) {
                        return Duration.ofMinutes(1);
                    }
                    return value;
                });
    }

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final IngestConfig config = config(Map.of("maxInFlightEvents", 100, "maxInFlightBytes", 1_000L));
    final InFlight inFlight = new InFlight(config, new IngestMetrics(registry, new ProblemLog(config)));

    @Test
    void beyondTheBytesBudgetARequestWaits429AndIsTakenOnceTheOthersAreDone() {
        InFlight.Reservation first = inFlight.reserve(10, 800);
        RequestRefusedException refused = assertThrows(RequestRefusedException.class, () -> inFlight.reserve(10, 300));
        assertEquals(RequestRefusedException.Refusal.TOO_MANY, refused.refusal());
        assertEquals("saturated", refused.reason());
        assertEquals(1.0, registry.get("veltrix.ingest.limited").tag("limit", "in_flight_bytes").counter().count());
        first.release();
        first.release(); // once only
        inFlight.reserve(10, 300).release();
        assertEquals(0, inFlight.events());
    }

    @Test
    void moreEventsThanEverFitIs413AndBeyondTheEventsBudget429() {
        RequestRefusedException tooLarge = assertThrows(RequestRefusedException.class, () -> inFlight.reserve(101, 1));
        assertEquals(RequestRefusedException.Refusal.TOO_LARGE, tooLarge.refusal());
        assertEquals("too_many_events", tooLarge.reason());
        InFlight.Reservation held = inFlight.reserve(60, 1);
        assertEquals(RequestRefusedException.Refusal.TOO_MANY,
                assertThrows(RequestRefusedException.class, () -> inFlight.reserve(60, 1)).refusal());
        held.release();
    }
}
