package io.veltrix.processor.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.veltrix.processor.Delivery;
import io.veltrix.processor.EventFacts;
import io.veltrix.processor.ExperimentDefinitions;
import io.veltrix.processor.config.ProcessorConfig;
import io.veltrix.processor.messaging.RejectionPublisher;
import io.veltrix.processor.service.BatchDecoder.Countable;
import io.veltrix.processor.service.BatchDecoder.DecodedBatch;
import io.veltrix.processor.service.BatchDecoder.Poison;
import io.veltrix.processor.service.BatchDecoder.Refused;
import io.veltrix.processor.service.Dependencies.Dependency;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.schemas.rules.EventRules;
import io.veltrix.schemas.rules.RuleViolation;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Takes the batches of {@code events.raw} and settles every message of them:
 * <ol>
 *   <li>decode and check ({@link BatchDecoder}; a worker thread, since registry look-ups block on a cache miss);</li>
 *   <li>check the exposures against the experiment definitions ({@link ExposureValidator}); an exposure to
 *       something the cached definitions do not know is judged again on definitions read after it was published;</li>
 *   <li>count the countable ones in one transaction ({@link EventCounter}) and acknowledge them after the commit;
 *       publish the refused ones to events.rejected and acknowledge each after Pulsar acknowledged its rejection;
 *       negatively acknowledge the poison ones (redelivered with backoff, then dead-lettered).</li>
 * </ol>
 * Every call to the database, the registry or the broker goes through {@link Dependencies#retrying}: while one of
 * them fails, the batch waits, nothing of it is acknowledged and nothing is dead-lettered. Only a failure caused by
 * an event's own data ({@link Failures#isDataError}) sets events aside: the batch is then counted event by event,
 * and the ones that still fail alone are negatively acknowledged.
 *
 * <p>Up to {@code veltrix.processor.batch.in-flight} batches are in progress at once: while one commits, the next
 * ones are decoded. A consumer's batches commit in the order they arrived, one after the other, so that a batch retried after a
 * fault is never overtaken by a later one: each player's events (Key_Shared keeps them on one consumer, in order)
 * are counted in order. Counts do not depend on that order; what a reader sees over time does.
 */
@ApplicationScoped
public class BatchPipeline {

    private final Dependencies dependencies;
    private final BatchDecoder decoder;
    private final ExperimentCatalog experiments;
    private final RejectionPublisher rejections;
    private final EventCounter counter;
    private final RetentionJob retention;
    private final Contexts contexts;
    private final ProcessorMetrics metrics;
    private final ProblemLog problems;
    private final int maxInFlight;
    private final java.util.Optional<Integer> haltAfterCommits;
    private final java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
    private final Executor workers = Infrastructure.getDefaultWorkerPool();
    private final ArrayDeque<UniEmitter<? super Void>> waitingForRoom = new ArrayDeque<>();
    private int inFlight;
    /**
     * Per lane (a consumer of the channel: its Vert.x context), settled when the last batch it submitted has finished
     * committing (or given up): the lane's next batch commits after it. Lanes (the channel's {@code concurrency}: one
     * Pulsar consumer each, Key_Shared gives them disjoint players) commit side by side.
     */
    private final java.util.Map<Object, CompletableFuture<Void>> lastCommit = new java.util.HashMap<>();

    public BatchPipeline(Dependencies dependencies, RegistryCodec codec, ExperimentCatalog experiments,
                         RejectionPublisher rejections, EventCounter counter, RetentionJob retention,
                         Contexts contexts, ProcessorMetrics metrics, ProblemLog problems, ProcessorConfig config) {
        this.dependencies = dependencies;
        this.experiments = experiments;
        this.rejections = rejections;
        this.counter = counter;
        this.retention = retention;
        this.contexts = contexts;
        this.metrics = metrics;
        this.problems = problems;
        this.maxInFlight = config.batch().inFlight();
        this.haltAfterCommits = config.fault().haltAfterCommits();
        EventRules rules = new EventRules(config.validation().maxFutureSkew(), config.validation().maxEventAge());
        this.decoder = new BatchDecoder(payload -> codec.decode(payload).record(), rules, config.retention().events(),
                config.retention().dedupeTolerance(), config.retention().partitionWidth());
    }

    /**
     * Starts processing a batch. The returned {@link Uni} completes when the pipeline has room for the next one (the
     * batch itself settles later); while the processor stops, the batch is left unacknowledged (Pulsar redelivers it
     * to another consumer).
     */
    public Uni<Void> submit(List<Delivery> batch, Delivery.Acknowledger acknowledger) {
        CompletableFuture<Void> previousCommit;
        CompletableFuture<Void> commitDone = new CompletableFuture<>();
        synchronized (waitingForRoom) {
            if (dependencies.stopping()) {
                return Uni.createFrom().voidItem();
            }
            inFlight++;
            Object lane = lane();
            previousCommit = lastCommit.getOrDefault(lane, CompletableFuture.completedFuture(null));
            lastCommit.put(lane, commitDone);
        }
        long start = System.nanoTime();
        process(batch, acknowledger, previousCommit, commitDone)
                .onTermination().invoke(() -> commitDone.complete(null))
                .subscribe().with(
                done -> settled(batch.size(), start),
                failure -> {
                    if (!dependencies.stopping()) {
                        problems.report("batch_failed", failure.toString());
                        Log.debug("batch failed", failure);
                    }
                    settled(batch.size(), start);
                });
        return Uni.createFrom().emitter(room -> {
            synchronized (waitingForRoom) {
                if (inFlight < maxInFlight || dependencies.stopping()) {
                    room.complete(null);
                } else {
                    waitingForRoom.add(room);
                }
            }
        });
    }

    /** The consumer a batch came from: the root of the Vert.x context it was delivered on. */
    private static Object lane() {
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        return context == null ? BatchPipeline.class : io.smallrye.common.vertx.VertxContext.getRootContext(context);
    }

    /** Batches in progress. */
    public int inFlight() {
        synchronized (waitingForRoom) {
            return inFlight;
        }
    }

    /** Stops taking batches: waiting submitters are released, batches in progress finish or give up. */
    public void stop() {
        dependencies.stop();
        synchronized (waitingForRoom) {
            waitingForRoom.forEach(room -> room.complete(null));
            waitingForRoom.clear();
        }
    }

    private void settled(int size, long start) {
        metrics.batch(size, Duration.ofNanos(System.nanoTime() - start));
        UniEmitter<? super Void> next;
        synchronized (waitingForRoom) {
            inFlight--;
            next = waitingForRoom.poll();
        }
        if (next != null) {
            next.complete(null);
        }
    }

    private Uni<Void> process(List<Delivery> batch, Delivery.Acknowledger acknowledger,
                              CompletableFuture<Void> previousCommit, CompletableFuture<Void> commitDone) {
        List<byte[]> payloads = new ArrayList<>(batch.size());
        for (Delivery delivery : batch) {
            payloads.add(delivery.payload());
        }
        return dependencies.retrying(Dependency.REGISTRY, () -> Uni.createFrom().item(() -> decoder.decode(payloads, Instant.now()))
                        .runSubscriptionOn(workers))
                .flatMap(decoded -> validateExposures(decoded, batch))
                .flatMap(decoded -> Uni.join().all(List.of(
                                // commits keep the order of the batches (so each player's events are counted in
                                // order, whatever the retries): decoding overlaps, committing does not
                                Uni.createFrom().completionStage(previousCommit)
                                        .flatMap(x -> count(decoded.countable(), batch, acknowledger))
                                        .onTermination().invoke(() -> commitDone.complete(null)),
                                refuse(decoded.refused(), batch, acknowledger),
                                poison(decoded.poison(), batch)))
                        .andFailFast().replaceWithVoid());
    }

    /** Moves the exposures the experiment definitions refuse from countable to refused. */
    private Uni<DecodedBatch> validateExposures(DecodedBatch decoded, List<Delivery> batch) {
        if (decoded.countable().stream().noneMatch(c -> c.facts().exposure() != null)) {
            return Uni.createFrom().item(decoded);
        }
        return dependencies.retrying(Dependency.EXPERIMENTS, experiments::current).flatMap(definitions -> {
            List<Countable> countable = new ArrayList<>(decoded.countable().size());
            List<Refused> refused = new ArrayList<>(decoded.refused());
            List<Countable> missed = new ArrayList<>();
            for (Countable c : decoded.countable()) {
                Optional<RuleViolation> violation = ExposureValidator.check(c.facts(), definitions);
                if (violation.isEmpty()) {
                    countable.add(c);
                } else {
                    missed.add(c);
                }
            }
            if (missed.isEmpty()) {
                return Uni.createFrom().item(decoded);
            }
            // an experiment created (or started) moments ago: refuse only on definitions read after the exposure was sent
            Instant sent = Instant.ofEpochMilli(missed.stream().mapToLong(c -> batch.get(c.index()).publishTime()).max().orElse(0));
            return dependencies.retrying(Dependency.EXPERIMENTS, () -> experiments.readSince(sent)).map(fresher -> {
                for (Countable c : missed) {
                    Optional<RuleViolation> violation = ExposureValidator.check(c.facts(), fresher);
                    if (violation.isEmpty()) {
                        countable.add(c);
                    } else {
                        refused.add(new Refused(c.index(), c.facts(), violation.get()));
                    }
                }
                return new DecodedBatch(countable, refused, decoded.poison());
            });
        });
    }

    /**
     * Counts the countable events in one transaction; acknowledges them after the commit. An event that became older
     * than the event log reaches while the batch waited (a long database outage) is refused instead.
     */
    private Uni<Void> count(List<Countable> countable, List<Delivery> batch, Delivery.Acknowledger acknowledger) {
        if (countable.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return commit(countable, redelivered(countable, batch))
                .flatMap(attempt -> Uni.join().all(List.of(acknowledge(attempt.committed(), batch, acknowledger),
                        refuse(attempt.tooOld(), batch, acknowledger))).andFailFast().replaceWithVoid())
                .onFailure(Failures::isDataError).recoverWithUni(failure -> isolate(countable, batch, acknowledger, failure));
    }

    /** What one successful commit counted, and what it left out because it had become too old. */
    private record Attempt(List<Countable> committed, List<Refused> tooOld) {
    }

    /** Whether the broker delivered one of the events before (a copy of it may have been counted then). */
    private static boolean redelivered(List<Countable> countable, List<Delivery> batch) {
        for (Countable c : countable) {
            if (batch.get(c.index()).redeliveryCount() > 0) {
                return true;
            }
        }
        return false;
    }

    private Uni<Attempt> commit(List<Countable> countable, boolean redelivered) {
        return dependencies.retrying(Dependency.DATABASE, () -> {
            Instant oldest = decoder.oldestCountable(Instant.now());
            List<Countable> fresh = new ArrayList<>(countable.size());
            List<Refused> tooOld = new ArrayList<>();
            List<EventFacts> facts = new ArrayList<>(countable.size());
            for (Countable c : countable) {
                if (c.facts().occurredAt().isBefore(oldest)) {
                    tooOld.add(new Refused(c.index(), c.facts(), BatchDecoder.beyondRetention(c.facts(), oldest)));
                } else {
                    fresh.add(c);
                    facts.add(c.facts());
                }
            }
            if (facts.isEmpty()) {
                return Uni.createFrom().item(new Attempt(fresh, tooOld));
            }
            long start = System.nanoTime();
            return contexts.onVertxContext(() -> counter.count(facts, redelivered)).map(counted -> {
                metrics.commit(Duration.ofNanos(System.nanoTime() - start));
                metrics.counted(counted.counted(), counted.duplicates());
                haltIfInjected(counted);
                return new Attempt(fresh, tooOld);
            }).onFailure(Failures::isMissingPartition).invoke(retention::runSoon);
        });
    }

    /** The crash tests' fault point: committed, not yet acknowledged. */
    private void haltIfInjected(EventCounter.Counted counted) {
        if (haltAfterCommits.isPresent() && commits.incrementAndGet() >= haltAfterCommits.get()) {
            Log.warnf("fault injection: halting after commit %d; %d events of it counted and not acknowledged",
                    commits.get(), counted.counted().size());
            Runtime.getRuntime().halt(137);
        }
    }

    /**
     * The database refused the batch because of the data of one (or some) of its events: counts them one at a time,
     * so that only the events that fail alone are set aside (negatively acknowledged, dead-lettered in the end).
     */
    private Uni<Void> isolate(List<Countable> countable, List<Delivery> batch, Delivery.Acknowledger acknowledger,
                              Throwable batchFailure) {
        problems.report("batch_refused_by_database", Failures.describe(batchFailure));
        return Multi.createFrom().iterable(countable).onItem().transformToUniAndConcatenate(c ->
                        commit(List.of(c), true).flatMap(attempt -> Uni.join().all(List.of(acknowledge(attempt.committed(), batch, acknowledger),
                                        refuse(attempt.tooOld(), batch, acknowledger))).andFailFast().replaceWithVoid())
                                .onFailure(Failures::isDataError).recoverWithUni(failure -> {
                                    metrics.failed();
                                    problems.report("event_not_countable", c.facts().eventId() + ": " + Failures.describe(failure));
                                    return batch.get(c.index()).nack(failure);
                                }))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> acknowledge(List<Countable> countable, List<Delivery> batch, Delivery.Acknowledger acknowledger) {
        if (countable.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long now = System.currentTimeMillis();
        long oldest = now;
        List<Delivery> done = new ArrayList<>(countable.size());
        for (Countable c : countable) {
            Delivery delivery = batch.get(c.index());
            oldest = Math.min(oldest, delivery.publishTime());
            done.add(delivery);
        }
        metrics.committed(Duration.ofMillis(Math.max(0, now - oldest)));
        // an acknowledgement that fails (the consumer closed) only means a redelivery, counted once
        return acknowledger.ack(done).onFailure().recoverWithNull();
    }

    /** Publishes each refused event's rejection; acknowledges it once Pulsar acknowledged the rejection. */
    private Uni<Void> refuse(List<Refused> refused, List<Delivery> batch, Delivery.Acknowledger acknowledger) {
        if (refused.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> settled = new ArrayList<>(refused.size());
        for (Refused r : refused) {
            Delivery delivery = batch.get(r.index());
            settled.add(dependencies.retrying(Dependency.REGISTRY, () -> Uni.createFrom()
                            .item(() -> rejections.encode(r.facts(), r.violation(), delivery)).runSubscriptionOn(workers))
                    .flatMap(message -> dependencies.retrying(Dependency.BROKER, () -> rejections.send(message)))
                    .flatMap(published -> {
                        metrics.rejected(r.violation().reason());
                        problems.report("rejected." + r.violation().reason(), r.violation().message());
                        return acknowledger.ack(List.of(delivery)).onFailure().recoverWithNull();
                    }));
        }
        return Uni.join().all(settled).andFailFast().replaceWithVoid();
    }

    /** Negatively acknowledges what cannot be decoded: redelivered with backoff, dead-lettered after the retries. */
    private Uni<Void> poison(List<Poison> poison, List<Delivery> batch) {
        if (poison.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> nacks = new ArrayList<>(poison.size());
        for (Poison p : poison) {
            Delivery delivery = batch.get(p.index());
            metrics.undecodable(p.reason());
            problems.report("undecodable." + p.reason(), "message " + delivery.messageId() + " (delivery "
                    + (delivery.redeliveryCount() + 1) + "): " + p.detail());
            nacks.add(delivery.nack(new IllegalArgumentException(p.reason() + ": " + p.detail())));
        }
        return joinQuietly(nacks);
    }

    /** Waits for acknowledgements; one that fails (the consumer closed) only means a redelivery, counted once. */
    private static Uni<Void> joinQuietly(List<Uni<Void>> unis) {
        if (unis.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(unis.stream().map(u -> u.onFailure().recoverWithNull()).toList()).andFailFast().replaceWithVoid();
    }
}
