package io.veltrix.ingest.service.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingest metrics (Prometheus at /q/metrics): what was accepted and refused, how fast Pulsar answers, and each
 * limit that refused something. Every problem is also counted for the periodic {@link ProblemLog} line. Tags have
 * bounded values: event types are registered ones ({@code unregistered} otherwise), reasons are the documented
 * codes. Counters are looked up once per tag combination and kept (a registry look-up per event showed in profiles).
 */
@Singleton
public class IngestMetrics {

    private static final String UNKNOWN = "unknown";

    private final MeterRegistry registry;
    private final ProblemLog problems;
    private final Timer publish;
    private final DistributionSummary requestBytes;
    private final DistributionSummary decodedBytes;
    private final DistributionSummary eventsPerRequest;
    private final Counter notKept;
    private final AtomicLong inFlightEvents = new AtomicLong();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public IngestMetrics(MeterRegistry registry, ProblemLog problems) {
        this.registry = registry;
        this.problems = problems;
        this.publish = Timer.builder("veltrix.ingest.publish.latency")
                .description("Time from publishing a request's accepted events to Pulsar's acknowledgement of the last one")
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
        this.notKept = Counter.builder("veltrix.ingest.rejections.not_kept")
                .description("Rejected events beyond the per-request limit of rejection records, counted in a summary record")
                .register(registry);
        registry.gauge("veltrix.ingest.inflight.events", inFlightEvents);
        registry.gauge("veltrix.ingest.inflight.bytes", inFlightBytes);
        for (String limit : new String[] {"events_per_second", "event_burst", "rejected_bytes_per_second",
                "in_flight_events", "in_flight_bytes"}) {
            counter("veltrix.ingest.limited", "limit", limit);
        }
    }

    /** Events being handled (the in-flight limit applies to it). */
    public AtomicLong inFlightEvents() {
        return inFlightEvents;
    }

    /** Bytes of request bodies being handled (the in-flight limit applies to it). */
    public AtomicLong inFlightBytes() {
        return inFlightBytes;
    }

    public void requestSize(int bytes) {
        requestBytes.record(bytes);
    }

    public void decodedSize(int bytes) {
        decodedBytes.record(bytes);
    }

    public void events(int count) {
        eventsPerRequest.record(count);
    }

    public void publishLatency(long nanos) {
        publish.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void accepted(String eventType, String stage, int count) {
        counter("veltrix.ingest.events.accepted", "event_type", eventType, "stage", stage).increment(count);
    }

    public void duplicate(String eventType, String stage) {
        counter("veltrix.ingest.events.duplicate", "event_type", eventType, "stage", stage).increment();
    }

    public void rejected(String eventType, String reason, String stage) {
        String type = eventType == null ? UNKNOWN : eventType;
        counter("veltrix.ingest.events.rejected", "event_type", type, "reason", reason, "stage", stage).increment();
        problems.rejected(type, reason);
    }

    public void notPersisted(String eventType, Throwable failure) {
        String type = eventType == null ? UNKNOWN : eventType;
        String error = failure.getClass().getSimpleName();
        counter("veltrix.ingest.events.not_persisted", "event_type", type, "error", error).increment();
        problems.notPersisted(type, error);
    }

    /** A whole request refused (401, 400, 413, 415, 429, 503). */
    public void refused(String reason, int status) {
        counter("veltrix.ingest.requests.refused", "reason", reason, "status", Integer.toString(status)).increment();
        problems.refused(reason, status);
    }

    /**
     * A limit refused a request: {@code events_per_second}, {@code event_burst}, {@code rejected_bytes_per_second}
     * (the write key's rate limits), {@code in_flight_events}, {@code in_flight_bytes} (the instance's budget).
     */
    public void limited(String limit) {
        counter("veltrix.ingest.limited", "limit", limit).increment();
    }

    /** Rejected events counted in a summary record instead of one record each. */
    public void rejectionsNotKept(int count) {
        notKept.increment(count);
    }

    /** One replayed rejection's outcome (accepted, duplicate, rejected, not_persisted, skipped_*). */
    public void replayed(String outcome, long count) {
        if (count > 0) {
            counter("veltrix.ingest.replay.events", "outcome", outcome).increment(count);
        }
    }

    /** Replay calls that stopped collecting at the memory bound (veltrix.ingest.replay-max-bytes). */
    public void replayMemoryBound() {
        counter("veltrix.ingest.limited", "limit", "replay_bytes").increment();
    }

    private Counter counter(String name, String... tags) {
        StringBuilder key = new StringBuilder(name);
        for (String tag : tags) {
            key.append('\u0000').append(tag);
        }
        return counters.computeIfAbsent(key.toString(), k -> registry.counter(name, tags));
    }
}
