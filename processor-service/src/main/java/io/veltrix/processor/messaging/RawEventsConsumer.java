package io.veltrix.processor.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.pulsar.PulsarBatchMessage;
import io.smallrye.reactive.messaging.pulsar.PulsarIncomingMessage;
import io.smallrye.reactive.messaging.pulsar.PulsarMessage;
import io.veltrix.processor.EventFacts;
import io.veltrix.processor.service.EventFactsReader;
import io.veltrix.processor.service.EventProcessor;
import io.veltrix.processor.service.EventProcessor.BatchResult;
import io.veltrix.processor.service.Failures;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.codec.RegistryCodec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code events.raw} in batches (Key_Shared, so several instances share the work and each
 * player's events stay with one consumer at a time).
 *
 * <p>Per batch: decode every message (registry look-ups are blocking, hence a worker thread), count the
 * batch in one transaction (on a Vert.x context, as Hibernate Reactive requires), then acknowledge. A message
 * that cannot be decoded is negatively acknowledged alone: Pulsar redelivers it with backoff and, after the
 * configured number of attempts, moves it to {@code events.raw-DLQ}; the rest of its batch goes on. When the
 * database or the registry is down, the batch is retried in place (nothing acknowledged, nothing sent to the
 * DLQ) until they are back.
 */
@ApplicationScoped
public class RawEventsConsumer {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final RegistryCodec codec;
    private final EventProcessor processor;
    private final MeterRegistry registry;
    private final Timer occurredToCommitted;
    private final Timer publishedToCommitted;

    public RawEventsConsumer(RegistryCodec codec, EventProcessor processor, MeterRegistry registry) {
        this.codec = codec;
        this.processor = processor;
        this.registry = registry;
        this.occurredToCommitted = Timer.builder("veltrix.processor.latency.occurred")
                .description("From when an event occurred to when its counts committed")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.publishedToCommitted = Timer.builder("veltrix.processor.latency.pipeline")
                .description("From when ingest published an event to when its counts committed")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    @Incoming(Channels.EVENTS_RAW)
    @Blocking
    public CompletionStage<Void> consume(Message<List<byte[]>> batch) {
        List<PulsarIncomingMessage<byte[]>> messages = messages(batch);
        List<PulsarIncomingMessage<byte[]>> decoded = new ArrayList<>(messages.size());
        List<EventFacts> facts = new ArrayList<>(messages.size());
        List<CompletionStage<Void>> settled = new ArrayList<>(messages.size());
        for (PulsarIncomingMessage<byte[]> message : messages) {
            EventFacts event = decode(message);
            if (event == null) {
                settled.add(message.nack(new IllegalArgumentException("undecodable message")));
            } else {
                decoded.add(message);
                facts.add(event);
            }
        }
        if (!facts.isEmpty()) {
            try {
                committed(commitWithRetry(facts), decoded, settled);
            } catch (PermanentFailure batchFailure) {
                // one bad event must not send its whole batch to the DLQ: find it by counting one at a time
                for (int i = 0; i < facts.size(); i++) {
                    try {
                        committed(commitWithRetry(List.of(facts.get(i))), List.of(decoded.get(i)), settled);
                    } catch (PermanentFailure eventFailure) {
                        registry.counter("veltrix.processor.events.failed").increment();
                        Log.debugf("event %s cannot be counted: %s", facts.get(i).eventId(), eventFailure.getCause());
                        settled.add(decoded.get(i).nack(eventFailure.getCause()));
                    }
                }
            }
        }
        return CompletableFuture.allOf(settled.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new));
    }

    private void committed(BatchResult result, List<PulsarIncomingMessage<byte[]>> messages, List<CompletionStage<Void>> settled) {
        Instant committed = Instant.now();
        for (EventFacts event : result.counted()) {
            registry.counter("veltrix.processor.events.counted", "event_type", event.eventType()).increment();
            occurredToCommitted.record(Duration.between(event.occurredAt(), committed).abs());
        }
        if (result.duplicates() > 0) {
            registry.counter("veltrix.processor.events.duplicate").increment(result.duplicates());
        }
        for (PulsarIncomingMessage<byte[]> message : messages) {
            publishedToCommitted.record(Duration.between(Instant.ofEpochMilli(message.getPublishTime()), committed).abs());
            settled.add(message.ack());
        }
    }

    /** A failure that retrying will not cure. */
    private static final class PermanentFailure extends RuntimeException {
        PermanentFailure(Throwable cause) {
            super(cause);
        }
    }

    /** Decodes one message; null when it can never be decoded (poison). Waits while the registry is down. */
    private EventFacts decode(PulsarIncomingMessage<byte[]> message) {
        Duration backoff = Duration.ofMillis(200);
        while (true) {
            try {
                return EventFactsReader.read(codec.decode(message.getPayload()).record());
            } catch (CodecException e) {
                if (!e.isTransient()) {
                    registry.counter("veltrix.processor.events.undecodable", "reason", e.kind().name().toLowerCase()).increment();
                    Log.debugf("undecodable message %s: %s", message.getMessageId(), e.getMessage());
                    return null;
                }
                backoff = pause("schema registry unavailable", e, backoff);
            } catch (RuntimeException e) {
                registry.counter("veltrix.processor.events.undecodable", "reason", "invalid_record").increment();
                Log.debugf("unreadable event %s: %s", message.getMessageId(), e.toString());
                return null;
            }
        }
    }

    /** Commits the batch, waiting out transient database failures. */
    private BatchResult commitWithRetry(List<EventFacts> facts) {
        Duration backoff = Duration.ofMillis(200);
        while (true) {
            try {
                return VertxContextSupport.subscribeAndAwait(() -> processor.process(facts));
            } catch (Throwable e) {
                if (!Failures.isTransient(e)) {
                    throw new PermanentFailure(e);
                }
                backoff = pause("database unavailable", e, backoff);
            }
        }
    }

    private Duration pause(String what, Throwable cause, Duration backoff) {
        registry.counter("veltrix.processor.retries", "cause", what).increment();
        Log.warnf("%s, retrying in %d ms: %s", what, backoff.toMillis(), cause.toString());
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting: " + what, cause);
        }
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    @SuppressWarnings("unchecked")
    private static List<PulsarIncomingMessage<byte[]>> messages(Message<List<byte[]>> batch) {
        if (batch instanceof PulsarBatchMessage<?> pulsarBatch) {
            List<PulsarIncomingMessage<byte[]>> list = new ArrayList<>();
            for (PulsarMessage<?> m : pulsarBatch) {
                list.add((PulsarIncomingMessage<byte[]>) m);
            }
            return list;
        }
        throw new IllegalStateException("events-raw must be consumed in batch mode (batchReceive=true)");
    }
}
