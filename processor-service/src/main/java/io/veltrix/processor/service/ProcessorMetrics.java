package io.veltrix.processor.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The processor's meters (Prometheus at {@code /q/metrics}). Tags are bounded: event types are the registered
 * schemas, reasons are the codes in {@link Reasons} and the decoder's kinds. Created at start, so that the meters
 * are there (at zero) before the first event.
 */
@Startup
@ApplicationScoped
public class ProcessorMetrics {

    private final MeterRegistry registry;
    private final Counter duplicates;
    private final Counter failed;
    private final Timer occurredToCommitted;
    private final Timer publishedToCommitted;
    private final Timer batchDuration;
    private final DistributionSummary batchSize;
    private final Timer commitDuration;

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duplicates = Counter.builder("veltrix.processor.events.duplicate")
                .description("Events delivered again after they had been counted (redeliveries, client retries): not counted again")
                .register(registry);
        this.failed = Counter.builder("veltrix.processor.events.failed")
                .description("Valid events the database refused for good (negatively acknowledged, dead-lettered after the retries)")
                .register(registry);
        this.occurredToCommitted = Timer.builder("veltrix.processor.latency.occurred")
                .description("From when an event occurred to when its counts committed")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.publishedToCommitted = Timer.builder("veltrix.processor.latency.pipeline")
                .description("From when ingest published an event to events.raw to when its counts committed")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.batchDuration = Timer.builder("veltrix.processor.batch.duration")
                .description("Time to decode, validate, commit and acknowledge one batch")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.batchSize = DistributionSummary.builder("veltrix.processor.batch.size")
                .description("Messages per batch").register(registry);
        this.commitDuration = Timer.builder("veltrix.processor.commit.duration")
                .description("Time of one successful database transaction (dedupe records and aggregates of a batch)")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** A new event counted (committed) now. */
    public void counted(String eventType, Duration sinceOccurred) {
        registry.counter("veltrix.processor.events.counted", "event_type", eventType).increment();
        occurredToCommitted.record(sinceOccurred);
    }

    public void committed(Duration sincePublished) {
        publishedToCommitted.record(sincePublished);
    }

    public void duplicates(int count) {
        duplicates.increment(count);
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
