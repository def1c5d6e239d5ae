package io.veltrix.processor.messaging;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.pulsar.PulsarBatchMessage;
import io.smallrye.reactive.messaging.pulsar.PulsarIncomingMessage;
import io.smallrye.reactive.messaging.pulsar.PulsarMessage;
import io.veltrix.processor.EventFacts;
import io.veltrix.processor.ExperimentDefinitions;
import io.veltrix.processor.config.ProcessorConfig;
import io.veltrix.processor.service.EventFactsReader;
import io.veltrix.processor.service.EventProcessor;
import io.veltrix.processor.service.EventProcessor.BatchResult;
import io.veltrix.processor.service.EventValidator;
import io.veltrix.processor.service.ExperimentCatalog;
import io.veltrix.processor.service.Failures;
import io.veltrix.processor.service.ProblemLog;
import io.veltrix.processor.service.ProcessorMetrics;
import io.veltrix.processor.service.Rejection;
import io.veltrix.processor.service.Violation;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.codec.RegistryCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code events.raw} in batches (Key_Shared: several instances share the work and each player's
 * events stay with one consumer at a time).
 *
 * <p>Per batch, on a worker thread (registry look-ups block): decode every message; check what the schema
 * cannot express ({@link EventValidator}); count the valid events in ONE transaction (on a Vert.x context, as
 * Hibernate Reactive requires); publish the refused ones to {@code events.rejected}; then acknowledge. A
 * refused event is acknowledged only once Pulsar acknowledged its rejection, and never dead-lettered.
 *
 * <p>A message that cannot be decoded is negatively acknowledged alone: Pulsar redelivers it with backoff and,
 * after {@code deadLetterPolicy.maxRedeliverCount} redeliveries, moves it to {@code events.raw-DLQ}; the rest
 * of its batch, the same player's later events included, goes on. When the database, the registry or the
 * broker is down, the batch waits and retries in place (nothing acknowledged, nothing dead-lettered) until
 * they are back. On shutdown the batch in progress finishes (up to {@code veltrix.processor.shutdown.grace});
 * what is not acknowledged by then is redelivered, and counted once, by whichever consumer gets it.
 */
@ApplicationScoped
public class RawEventsConsumer {

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final long REJECTION_ACK_TIMEOUT_SECONDS = 30;

    private final RegistryCodec codec;
    private final EventProcessor processor;
    private final EventValidator validator;
    private final ExperimentCatalog experiments;
    private final RejectionPublisher rejections;
    private final ProcessorMetrics metrics;
    private final ProblemLog problems;
    private final Duration shutdownGrace;
    private final Object inFlightLock = new Object();
    private int inFlight;
    private volatile boolean stopping;
    private int abandoned;
    /** Released when the processor stops: a batch waiting for the database, the registry or the broker gives up. */
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    public RawEventsConsumer(RegistryCodec codec, EventProcessor processor, ExperimentCatalog experiments,
                             RejectionPublisher rejections, ProcessorMetrics metrics, ProblemLog problems,
                             ProcessorConfig config) {
        this.codec = codec;
        this.processor = processor;
        this.experiments = experiments;
        this.rejections = rejections;
        this.metrics = metrics;
        this.problems = problems;
        this.validator = new EventValidator(config.validation().maxFutureSkew(), config.validation().maxEventAge());
        this.shutdownGrace = config.shutdown().grace();
    }

    /** A decoded message. */
    private record Delivery(PulsarIncomingMessage<byte[]> message, EventFacts facts) {
    }

    /** A rejection on its way to events.rejected. */
    private record PendingRejection(Delivery delivery, Rejection rejection, CompletableFuture<Void> published) {
    }

    @Incoming(Channels.EVENTS_RAW)
    // two batches at a time (worker pool "event-batches", max-concurrency in application.properties): one commits
    // while the next is decoded, instead of the database and the processor waiting for each other. Safe: counts do not
    // depend on order, and a transaction locks its batch's players in sorted order (no lost update, no deadlock).
    @Blocking(value = "event-batches", ordered = false)
    public CompletionStage<Void> consume(Message<List<byte[]>> batch) {
        List<PulsarIncomingMessage<byte[]>> messages = messages(batch);
        synchronized (inFlightLock) {
            if (stopping) {
                // left unacknowledged: redelivered to another consumer once this one has closed
                return CompletableFuture.completedFuture(null);
            }
            inFlight++;
        }
        long start = System.nanoTime();
        CompletableFuture<Void> settled;
        try {
            settled = handle(messages);
        } catch (ShuttingDown e) {
            synchronized (inFlightLock) {
                abandoned++;
            }
            settled = CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            settled = isolate(messages, e);
        }
        metrics.batch(messages.size(), Duration.ofNanos(System.nanoTime() - start));
        return settled.whenComplete((ok, failure) -> {
            synchronized (inFlightLock) {
                inFlight--;
                inFlightLock.notifyAll();
            }
        });
    }

    /**
     * An unexpected failure (not the database's, not the registry's: those are waited out): handles the messages
     * one by one so that only the one that causes it is negatively acknowledged, and dead-lettered in the end.
     */
    private CompletableFuture<Void> isolate(List<PulsarIncomingMessage<byte[]>> messages, RuntimeException failure) {
        problems.report("batch_failed", failure.toString());
        Log.debug("batch failed", failure);
        List<CompletableFuture<Void>> settled = new ArrayList<>();
        for (PulsarIncomingMessage<byte[]> message : messages) {
            try {
                settled.add(messages.size() == 1 ? message.nack(failure).toCompletableFuture() : handle(List.of(message)));
            } catch (ShuttingDown e) {
                break;
            } catch (RuntimeException e) {
                problems.report("event_failed", message.getMessageId() + ": " + e);
                settled.add(message.nack(e).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> handle(List<PulsarIncomingMessage<byte[]>> messages) {
        List<CompletionStage<Void>> settled = new ArrayList<>(messages.size());
        List<Delivery> decoded = new ArrayList<>(messages.size());
        for (PulsarIncomingMessage<byte[]> message : messages) {
            Optional<EventFacts> facts = decode(message);
            if (facts.isPresent()) {
                decoded.add(new Delivery(message, facts.get()));
            } else {
                settled.add(message.nack(new IllegalArgumentException("undecodable message")));
            }
        }

        List<Delivery> valid = new ArrayList<>(decoded.size());
        List<PendingRejection> refused = new ArrayList<>();
        validate(decoded, valid, refused);
        for (PendingRejection pending : refused) {
            publish(pending);
        }

        if (!valid.isEmpty()) {
            commit(valid, settled);
        }
        awaitRejections(refused, settled);
        return CompletableFuture.allOf(settled.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new));
    }

    /** Splits the decoded events into valid and refused; experiment definitions re-read once on a miss. */
    private void validate(List<Delivery> decoded, List<Delivery> valid, List<PendingRejection> refused) {
        boolean exposures = decoded.stream().anyMatch(d -> d.facts().exposure() != null);
        ExperimentDefinitions definitions = exposures ? retrying("experiments_unreadable", experiments::current) : null;
        Instant now = Instant.now();
        List<Delivery> missed = new ArrayList<>();
        for (Delivery delivery : decoded) {
            Optional<Violation> violation = validator.validate(delivery.facts(), definitions, now);
            if (violation.isEmpty()) {
                valid.add(delivery);
            } else if (violation.get().aboutExperiments()) {
                missed.add(delivery);
            } else {
                refused.add(new PendingRejection(delivery, rejection(delivery, violation.get()), new CompletableFuture<>()));
            }
        }
        if (!missed.isEmpty()) {
            // an experiment created (or started) moments ago: refuse only on definitions read after the exposure was sent
            Instant sent = Instant.ofEpochMilli(missed.stream().mapToLong(d -> d.message().getPublishTime()).max().orElse(0));
            ExperimentDefinitions fresher = retrying("experiments_unreadable", () -> experiments.readSince(sent));
            for (Delivery delivery : missed) {
                Optional<Violation> violation = validator.validate(delivery.facts(), fresher, now);
                if (violation.isEmpty()) {
                    valid.add(delivery);
                } else {
                    refused.add(new PendingRejection(delivery, rejection(delivery, violation.get()), new CompletableFuture<>()));
                }
            }
        }
    }

    private static Rejection rejection(Delivery delivery, Violation violation) {
        return new Rejection(delivery.facts(), violation, delivery.message().getPayload(),
                delivery.message().getProperties().get(Topics.PROP_SCHEMA_VERSION));
    }

    /** Starts publishing a rejection (encoding it may wait for the registry). */
    private void publish(PendingRejection pending) {
        Message<byte[]> message = retrying("rejections_unpublished", () -> rejections.encode(pending.rejection()));
        rejections.send(message).subscribe().with(ok -> pending.published().complete(null),
                failure -> pending.published().completeExceptionally(failure));
    }

    /** Acknowledges each refused message once its rejection is on events.rejected; publishes again what failed. */
    private void awaitRejections(List<PendingRejection> refused, List<CompletionStage<Void>> settled) {
        List<PendingRejection> waiting = refused;
        Duration backoff = FIRST_BACKOFF;
        while (!waiting.isEmpty()) {
            List<PendingRejection> failed = new ArrayList<>();
            Throwable lastFailure = null;
            for (PendingRejection pending : waiting) {
                try {
                    pending.published().get(REJECTION_ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    Violation violation = pending.rejection().violation();
                    metrics.rejected(violation.reason());
                    problems.report("rejected." + violation.reason(), violation.message());
                    settled.add(pending.delivery().message().ack());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ShuttingDown();
                } catch (Exception e) {
                    lastFailure = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
                    failed.add(pending);
                }
            }
            if (failed.isEmpty()) {
                return;
            }
            backoff = pause("rejections_unpublished", lastFailure, backoff);
            waiting = new ArrayList<>();
            for (PendingRejection pending : failed) {
                PendingRejection again = new PendingRejection(pending.delivery(), pending.rejection(), new CompletableFuture<>());
                publish(again);
                waiting.add(again);
            }
        }
    }

    /** Counts the valid events; one that the database refuses for good is isolated and dead-lettered alone. */
    private void commit(List<Delivery> valid, List<CompletionStage<Void>> settled) {
        List<EventFacts> facts = valid.stream().map(Delivery::facts).toList();
        try {
            committed(commitWithRetry(facts), valid, settled);
        } catch (PermanentFailure batchFailure) {
            // one bad event must not send its whole batch to the DLQ: find it by counting one at a time
            for (Delivery delivery : valid) {
                try {
                    committed(commitWithRetry(List.of(delivery.facts())), List.of(delivery), settled);
                } catch (PermanentFailure eventFailure) {
                    metrics.failed();
                    problems.report("event_not_countable", delivery.facts().eventId() + ": " + eventFailure.getCause());
                    settled.add(delivery.message().nack(eventFailure.getCause()));
                }
            }
        }
    }

    private void committed(BatchResult result, List<Delivery> deliveries, List<CompletionStage<Void>> settled) {
        Instant committed = Instant.now();
        for (EventFacts event : result.counted()) {
            metrics.counted(event.eventType(), Duration.between(event.occurredAt(), committed).abs());
        }
        if (result.duplicates() > 0) {
            metrics.duplicates(result.duplicates());
        }
        for (Delivery delivery : deliveries) {
            metrics.committed(Duration.between(Instant.ofEpochMilli(delivery.message().getPublishTime()), committed).abs());
            settled.add(delivery.message().ack());
        }
    }

    /** Decodes one message; empty when it can never be decoded (poison). Waits while the registry is down. */
    private Optional<EventFacts> decode(PulsarIncomingMessage<byte[]> message) {
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            try {
                return Optional.of(EventFactsReader.read(codec.decode(message.getPayload()).record()));
            } catch (CodecException e) {
                if (!e.isTransient()) {
                    return undecodable(message, e.kind().name().toLowerCase(), e.getMessage());
                }
                backoff = pause("registry_unavailable", e, backoff);
            } catch (RuntimeException e) {
                return undecodable(message, "invalid_record", e.toString());
            }
        }
    }

    private Optional<EventFacts> undecodable(PulsarIncomingMessage<byte[]> message, String reason, String detail) {
        metrics.undecodable(reason);
        problems.report("undecodable." + reason, "message " + message.getMessageId() + " (delivery "
                + (message.unwrap().getRedeliveryCount() + 1) + "): " + detail);
        return Optional.empty();
    }

    /** Commits the batch, waiting out transient database failures. */
    private BatchResult commitWithRetry(List<EventFacts> facts) {
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            long start = System.nanoTime();
            try {
                BatchResult result = VertxContextSupport.subscribeAndAwait(() -> processor.process(facts));
                metrics.commit(Duration.ofNanos(System.nanoTime() - start));
                return result;
            } catch (Throwable e) {
                if (!Failures.isTransient(e)) {
                    throw new PermanentFailure(e);
                }
                backoff = pause("database_unavailable", e, backoff);
            }
        }
    }

    /** Runs {@code action} until it succeeds, with backoff: its failures are all taken as transient. */
    private <T> T retrying(String cause, Supplier<T> action) {
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                backoff = pause(cause, e, backoff);
            }
        }
    }

    /** Waits before a retry; gives up (leaving the batch unacknowledged) when the processor is stopping. */
    private Duration pause(String cause, Throwable failure, Duration backoff) {
        if (stopping) {
            throw new ShuttingDown();
        }
        metrics.retry(cause);
        problems.report(cause, failure == null ? "" : failure.toString());
        try {
            if (stopSignal.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ShuttingDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShuttingDown();
        }
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    /**
     * Graceful shutdown: runs before the Pulsar connector closes its consumer (it closes when the application
     * scope is destroyed, after the ShutdownEvent observers). New batches are left unacknowledged; the batch in
     * progress gets {@code shutdown.grace} to commit and be acknowledged.
     */
    void drain(@Observes ShutdownEvent event) {
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        int left;
        int gaveUp;
        synchronized (inFlightLock) {
            stopping = true;
            stopSignal.countDown();
            while (inFlight > 0 && System.nanoTime() < deadline) {
                try {
                    inFlightLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            left = inFlight;
            gaveUp = abandoned;
        }
        if (left == 0 && gaveUp == 0) {
            Log.info("events-raw: stopped consuming; the batch in progress, if any, was committed and acknowledged");
        } else {
            Log.warnf("events-raw: stopped consuming; %d batch(es) waiting for the database, registry or broker given up, "
                    + "%d still unfinished after %s: their messages stay unacknowledged and are redelivered", gaveUp, left, shutdownGrace);
        }
    }

    /** A failure that retrying will not cure. */
    private static final class PermanentFailure extends RuntimeException {
        PermanentFailure(Throwable cause) {
            super(cause);
        }
    }

    /** The processor stops: leave the batch unacknowledged, Pulsar redelivers it. */
    private static final class ShuttingDown extends RuntimeException {
        ShuttingDown() {
            super("shutting down", null, false, false);
        }
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
