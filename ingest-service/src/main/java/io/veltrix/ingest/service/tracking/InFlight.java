package io.veltrix.ingest.service.tracking;

import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.mapping.Reasons;
import io.veltrix.ingest.service.RequestRefusedException;
import io.veltrix.ingest.service.RequestRefusedException.Refusal;
import io.veltrix.ingest.service.observability.IngestMetrics;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this instance holds at once, in events and in bytes of request bodies (after decompression), from parsing
 * until Pulsar answered: beyond either budget a request gets 429 (the memory a request holds is a few times its
 * body, so bounding bodies bounds the heap); a request that could never fit gets 413.
 */
@Singleton
public class InFlight {

    /** What one request holds; released once. */
    public final class Reservation {
        private final int events;
        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        Reservation(int events, long bytes) {
            this.events = events;
            this.bytes = bytes;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                InFlight.this.events.addAndGet(-events);
                InFlight.this.bytes.addAndGet(-bytes);
            }
        }
    }

    private final IngestConfig config;
    private final IngestMetrics metrics;
    private final AtomicLong events;
    private final AtomicLong bytes;

    public InFlight(IngestConfig config, IngestMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.events = metrics.inFlightEvents();
        this.bytes = metrics.inFlightBytes();
    }

    public Reservation reserve(int eventCount, long byteCount) {
        if (eventCount > config.maxInFlightEvents()) {
            metrics.limited("in_flight_events");
            throw new RequestRefusedException(Refusal.TOO_LARGE, Reasons.TOO_MANY_EVENTS, "$.batch", "the request holds "
                    + eventCount + " events, more than this instance ever handles at once (" + config.maxInFlightEvents()
                    + "): split it", config.maxInFlightEvents());
        }
        long nowEvents = events.addAndGet(eventCount);
        long nowBytes = bytes.addAndGet(byteCount);
        if (nowEvents > config.maxInFlightEvents() || nowBytes > config.maxInFlightBytes()) {
            events.addAndGet(-eventCount);
            bytes.addAndGet(-byteCount);
            metrics.limited(nowEvents > config.maxInFlightEvents() ? "in_flight_events" : "in_flight_bytes");
            throw new RequestRefusedException(Refusal.TOO_MANY, Reasons.SATURATED, JsonPaths.ROOT,
                    "too many events are being handled by this instance: retry after a short wait");
        }
        return new Reservation(eventCount, byteCount);
    }

    public long events() {
        return events.get();
    }
}
