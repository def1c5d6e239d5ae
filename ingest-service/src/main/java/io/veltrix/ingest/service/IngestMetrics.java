package io.veltrix.ingest.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicLong;

/** The ingest metrics (Prometheus at /q/metrics): what was accepted and refused, and how fast Pulsar answers. */
final class IngestMetrics {

    private static final String UNKNOWN = "unknown";

    private final MeterRegistry registry;
    private final Timer publish;
    private final DistributionSummary requestBytes;
    private final Counter saturated;

    IngestMetrics(MeterRegistry registry, AtomicLong inFlight) {
        this.registry = registry;
        this.publish = Timer.builder("veltrix.ingest.publish.latency")
                .description("Time from publishing an event to Pulsar's acknowledgement")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.requestBytes = DistributionSummary.builder("veltrix.ingest.request.size")
                .description("Request body size as received (before decompression)")
                .baseUnit("bytes")
                .register(registry);
        this.saturated = Counter.builder("veltrix.ingest.requests.saturated")
                .description("Requests answered 429 because too many events awaited Pulsar")
                .register(registry);
        registry.gauge("veltrix.ingest.inflight.events", inFlight);
    }

    void requestSize(int bytes) {
        requestBytes.record(bytes);
    }

    Timer.Sample startPublish() {
        return Timer.start(registry);
    }

    void accepted(String eventType, Timer.Sample sample) {
        sample.stop(publish);
        registry.counter("veltrix.ingest.events.accepted", "event_type", eventType).increment();
    }

    void duplicate(String eventType) {
        registry.counter("veltrix.ingest.events.duplicate", "event_type", eventType).increment();
    }

    void rejected(String eventType, String reason) {
        registry.counter("veltrix.ingest.events.rejected", "event_type", eventType == null ? UNKNOWN : eventType,
                "reason", reason).increment();
    }

    void notPersisted(String eventType, Throwable failure) {
        registry.counter("veltrix.ingest.events.not_persisted", "event_type", eventType == null ? UNKNOWN : eventType,
                "error", failure.getClass().getSimpleName()).increment();
    }

    void saturated() {
        saturated.increment();
    }
}
