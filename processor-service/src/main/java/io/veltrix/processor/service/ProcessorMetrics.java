package io.veltrix.processor.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.veltrix.processor.EventFacts;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The processor's meters (Prometheus at {@code /q/metrics}). Tags are bounded: event types are the registered
 * schemas, reasons are the codes of the rules and the decoder's kinds. Recorded per batch, not per event (a meter
 * look-up and a histogram update per event would cost more than counting the event). Created at start, so that
 * the meters are there (at zero) before the first event.
 */
@Startup
@ApplicationScoped
public class ProcessorMetrics {

    private final MeterRegistry registry;
    private final Counter duplicates;
    private final Counter failed;
    private final Counter recounted;
    private final Timer publishedToCommitted;
    private final Timer batchDuration;
    private final DistributionSummary batchSize;
    private final Timer commitDuration;
    private final Map<String, Counter> countedByType = new ConcurrentHashMap<>();

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duplicates = Counter.builder("veltrix.processor.events.duplicate")
                .description("Events delivered again after they had been counted (redeliveries, client retries): not counted again")
                .register(registry);
        this.failed = Counter.builder("veltrix.processor.events.failed")
                .description("Valid events the database refused for good because of their own data (negatively acknowledged, "
                        + "dead-lettered after the retries)")
                .register(registry);
        this.recounted = Counter.builder("veltrix.processor.batches.recounted")
                .description("Batches inserted as new whose event log refused a copy of an event counted before (a client's "
                        + "retry published twice), rolled back and counted again looking for copies")
                .register(registry);
        this.publishedToCommitted = Timer.builder("veltrix.processor.latency.pipeline")
                .description("Per batch, from when ingest published its oldest event to events.raw to when the batch's counts committed")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.batchDuration = Timer.builder("veltrix.processor.batch.duration")
                .description("Time to decode, validate, commit and acknowledge one batch")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.batchSize = DistributionSummary.builder("veltrix.processor.batch.size")
                .description("Messages per batch").register(registry);
        this.commitDuration = Timer.builder("veltrix.processor.commit.duration")
                .description("Time of one successful database transaction (event log and aggregates of a batch)")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** The events of a batch counted (committed) now, and how many of the batch had been counted before. */
    public void counted(List<EventFacts> counted, int duplicateCount) {
        Map<String, Integer> byType = new HashMap<>();
        for (EventFacts event : counted) {
            byType.merge(event.eventType(), 1, Integer::sum);
        }
        byType.forEach((type, n) -> countedByType.computeIfAbsent(type, t -> Counter.builder("veltrix.processor.events.counted")
                .tag("event_type", t).description("Events counted (each once)").register(registry)).increment(n));
        if (duplicateCount > 0) {
            duplicates.increment(duplicateCount);
        }
    }

    /** A batch committed and acknowledged: since its oldest message was published. */
    public void committed(Duration sincePublished) {
        publishedToCommitted.record(sincePublished);
    }

    /** A valid but refused event, kept on events.rejected. */
    public void rejected(String reason) {
        registry.counter("veltrix.processor.events.rejected", "reason", reason).increment();
    }

    /** One delivery of a message that could not be decoded (it is redelivered, then dead-lettered). */
    public void undecodable(String reason) {
        registry.counter("veltrix.processor.events.undecodable", "reason", reason).increment();
    }

    /** A message negatively acknowledged for the last time: Pulsar moves it to the dead-letter topic. */
    public void deadLettered() {
        registry.counter("veltrix.processor.events.dead_lettered").increment();
    }

    public void recounted() {
        recounted.increment();
    }

    public void failed() {
        failed.increment();
    }

    public void retry(String cause) {
        registry.counter("veltrix.processor.retries", "cause", cause).increment();
    }

    public void commit(Duration took) {
        commitDuration.record(took);
    }

    public void batch(int size, Duration took) {
        batchSize.record(size);
        batchDuration.record(took);
    }
}
