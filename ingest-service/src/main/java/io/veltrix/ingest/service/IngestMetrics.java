package io.veltrix.ingest.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingest metrics (Prometheus at /q/metrics): what was accepted and refused, and how fast Pulsar answers.
 * Every problem is also counted for the periodic {@link ProblemLog} line. Tags have bounded values: event types
 * are registered ones ({@code unregistered} otherwise), reasons are the documented codes.
 */
@ApplicationScoped
public class IngestMetrics {

    private static final String UNKNOWN = "unknown";

    private final MeterRegistry registry;
    private final ProblemLog problems;
    private final Timer publish;
    private final DistributionSummary requestBytes;
    private final DistributionSummary decodedBytes;
    private final DistributionSummary eventsPerRequest;
    private final Counter saturated;
    private final AtomicLong inFlight = new AtomicLong();

    public IngestMetrics(MeterRegistry registry, ProblemLog problems) {
        this.registry = registry;
        this.problems = problems;
        this.publish = Timer.builder("veltrix.ingest.publish.latency")
                .description("Time from publishing an event to Pulsar's acknowledgement")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.requestBytes = DistributionSummary.builder("veltrix.ingest.request.size")
                .description("Request body size as received (before decompression)")
                .baseUnit("bytes")
                .register(registry);
        this.decodedBytes = DistributionSummary.builder("veltrix.ingest.request.decoded.size")
                .description("Request body size after decompression (what the 500 KB limit applies to)")
                .baseUnit("bytes")
                .register(registry);
        this.eventsPerRequest = DistributionSummary.builder("veltrix.ingest.request.events")
                .description("Events per accepted request")
                .register(registry);
        this.saturated = Counter.builder("veltrix.ingest.requests.saturated")
                .description("Requests answered 429 because too many events awaited Pulsar")
                .register(registry);
        registry.gauge("veltrix.ingest.inflight.events", inFlight);
    }

    /** Events waiting for Pulsar's acknowledgement (the 429 limit applies to it). */
    AtomicLong inFlight() {
        return inFlight;
    }

    void requestSize(int bytes) {
        requestBytes.record(bytes);
    }

    void decodedSize(int bytes) {
        decodedBytes.record(bytes);
    }

    void events(int count) {
        eventsPerRequest.record(count);
    }

    Timer.Sample startPublish() {
        return Timer.start(registry);
    }

    void accepted(String eventType, String stage, Timer.Sample sample) {
        sample.stop(publish);
        registry.counter("veltrix.ingest.events.accepted", "event_type", eventType, "stage", stage).increment();
    }

    void duplicate(String eventType, String stage) {
        registry.counter("veltrix.ingest.events.duplicate", "event_type", eventType, "stage", stage).increment();
    }

    void rejected(String eventType, String reason, String stage) {
        String type = eventType == null ? UNKNOWN : eventType;
        registry.counter("veltrix.ingest.events.rejected", "event_type", type, "reason", reason, "stage", stage).increment();
        problems.rejected(type, reason);
    }

    void notPersisted(String eventType, Throwable failure) {
        String type = eventType == null ? UNKNOWN : eventType;
        String error = failure.getClass().getSimpleName();
        registry.counter("veltrix.ingest.events.not_persisted", "event_type", type, "error", error).increment();
        problems.notPersisted(type, error);
    }

    /** A whole request refused (401, 400, 413, 415, 429, 503). */
    public void refused(String reason, int status) {
        registry.counter("veltrix.ingest.requests.refused", "reason", reason, "status", Integer.toString(status)).increment();
        problems.refused(reason, status);
    }

    void saturated() {
        saturated.increment();
    }

    /** One replayed rejection's outcome (accepted, duplicate, rejected, not_persisted, skipped_*). */
    void replayed(String outcome, long count) {
        if (count > 0) {
            registry.counter("veltrix.ingest.replay.events", "outcome", outcome).increment(count);
        }
    }
}
