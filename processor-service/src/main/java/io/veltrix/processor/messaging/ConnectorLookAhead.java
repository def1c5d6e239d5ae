package io.veltrix.processor.messaging;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

/**
 * How many batches of {@code events.raw} the connector fetches ahead of the pipeline. Its batch channel hands batches
 * over through Mutiny's {@code emitOn}, which asks for {@code mutiny.buffer-size.s} items ahead (256 by default) and
 * has no setting of its own; the broker's limit of unacknowledged messages per consumer (50,000 by default) was then
 * the only bound. Catching up on a backlog the processor held 71,052 messages (~1.7 KB of heap each), fewer than 6,000
 * of them being counted, copied by every young collection and then promoted (a full collection every ~12 s); with 16,
 * 29,181 and about a quarter of the collection time (BENCHMARKS.md, 2026-12-01 17:11). A limit at the broker instead
 * stalled the Key_Shared subscription (docs/operations.md, "Scaling").
 *
 * <p>The property is the JVM's: it sizes every Mutiny operator that uses that buffer size, created from now on (16 is
 * Mutiny's minimum). Set before the connector creates its channels (reactive messaging starts them in a
 * {@code StartupEvent} observer of priority {@code LIBRARY_BEFORE}); a value given with {@code -D} wins.
 */
@ApplicationScoped
public class ConnectorLookAhead {

    static final String PROPERTY = "mutiny.buffer-size.s";
    static final String BATCHES = "16";

    void bound(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, BATCHES);
        }
    }
}
