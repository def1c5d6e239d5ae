package io.veltrix.simulator.load;

import io.veltrix.simulator.client.BatchEncoder;
import io.veltrix.simulator.client.BatchOutcome;
import io.veltrix.simulator.client.IngestClient;
import io.veltrix.simulator.game.GameEvent;
import io.veltrix.simulator.game.TreasureHuntGame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Plays the game into ingest. Open loop ({@code rate > 0}): batch k leaves at {@code start + k × batch/rate},
 * whatever the answers' latency; a batch due while {@code maxInFlight} requests are outstanding is skipped and
 * counted, so a slow server shows up as a shortfall against the target instead of silently lowering the offered
 * rate, and latency is also measured from when each batch was due. Closed loop ({@code rate = 0}): as fast as the
 * server answers with {@code maxInFlight} requests outstanding.
 *
 * <p>One thread (the caller's) generates, encodes and sends; answers are handled on the HTTP client's threads. A run
 * of a fixed number of events, or an open-loop run of a fixed duration, can {@link #prepare} its batches before the
 * clock starts, so that the load generator spends its CPU on sending only (the benchmark's ingest and end-to-end
 * phases: on two cores the game and the JSON encoding would otherwise take CPU from the servers being measured).
 */
public final class LoadRunner {

    private static final int MAX_PROBLEMS = 5;

    private final TreasureHuntGame game;
    private final BatchEncoder encoder;
    private final IngestClient ingest;
    private final LoadSettings settings;
    private final Semaphore window;
    private volatile boolean stopping;
    private volatile ProbeSource probes;
    /** Batches generated and encoded by {@link #prepare}, sent in this order; null: made while sending. */
    private ArrayDeque<Prepared> prepared;

    private final LongAdder offered = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder duplicate = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder notPersisted = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failedRequests = new LongAdder();
    private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Latencies latency = new Latencies();
    private final Latencies scheduleLatency = new Latencies();
    private final AtomicLong lastAnswerNanos = new AtomicLong();
    private volatile long startNanos;
    private volatile long maxLagNanos;

    public LoadRunner(TreasureHuntGame game, BatchEncoder encoder, IngestClient ingest, LoadSettings settings) {
        this.game = game;
        this.encoder = encoder;
        this.ingest = ingest;
        this.settings = settings;
        this.window = new Semaphore(settings.maxInFlight());
    }

    public LoadSettings settings() {
        return settings;
    }

    /** Extra events to slip into batches (the benchmark's latency probes). */
    public void probes(ProbeSource source) {
        this.probes = source;
    }

    /**
     * Generates and encodes the run's batches now, as many as fit in {@code maxBytes} (the rest are made while
     * sending, after these); each gets its {@code sentAt} when it is sent. A batch that carries a probe is still made
     * while sending.
     *
     * @return the events prepared (0 without an event count or, in open loop, a duration)
     */
    public long prepare(long maxBytes) {
        long total = plannedEvents();
        ArrayDeque<Prepared> batches = new ArrayDeque<>();
        long bytes = 0;
        long events = 0;
        Instant now = Instant.now();
        while (events < total && bytes < maxBytes) {
            int size = (int) Math.min(settings.batchSize(), total - events);
            List<GameEvent> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                batch.add(game.next());
            }
            byte[] body = encoder.encode(batch, now);
            batches.add(new Prepared(body, size));
            bytes += body.length;
            events += size;
        }
        prepared = batches;
        return events;
    }

    /** The events the run offers: its event count, or in open loop its rate over its duration (0: unknown). */
    public long plannedEvents() {
        if (settings.maxEvents() > 0) {
            return settings.maxEvents();
        }
        if (settings.openLoop() && settings.duration() != null) {
            return (long) Math.ceil(settings.rate() * settings.duration().toNanos() / 1e9);
        }
        return 0;
    }

    private record Prepared(byte[] body, int events) {
    }

    /** Ends the run after the current batch (from another thread, e.g. on Ctrl-C). */
    public void stop() {
        stopping = true;
    }

    /**
     * Runs until the duration, the event count or {@link #stop()}, then waits (up to 60 s) for the outstanding
     * answers.
     *
     * @param progress called about every {@code every} with the report so far (on the generating thread)
     */
    public LoadReport run(Consumer<LoadReport> progress, Duration every) {
        startNanos = System.nanoTime();
        lastAnswerNanos.set(startNanos);
        long deadline = settings.duration() == null ? Long.MAX_VALUE : startNanos + settings.duration().toNanos();
        long interval = settings.openLoop() ? settings.intervalNanos() : 0;
        long nextProgress = every == null ? Long.MAX_VALUE : startNanos + every.toNanos();
        long batchNumber = 0;
        while (!stopping) {
            long due = settings.openLoop() ? startNanos + batchNumber * interval : System.nanoTime();
            if (due >= deadline || (settings.maxEvents() > 0 && offered.sum() + skipped.sum() >= settings.maxEvents())) {
                break;
            }
            if (settings.openLoop()) {
                waitUntil(due);
                if (stopping) {
                    break;
                }
                long lag = System.nanoTime() - due;
                if (lag > maxLagNanos) {
                    maxLagNanos = lag;
                }
                if (!window.tryAcquire()) {
                    skipped.add(batchSize());
                    batchNumber++;
                    continue;
                }
            } else {
                try {
                    if (!window.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            sendBatch(due);
            batchNumber++;
            long now = System.nanoTime();
            if (now >= nextProgress && progress != null) {
                progress.accept(report());
                nextProgress = now + every.toNanos();
            }
        }
        long loopEnd = System.nanoTime();
        try {
            if (window.tryAcquire(settings.maxInFlight(), 60, TimeUnit.SECONDS)) {
                window.release(settings.maxInFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return report(Math.max(loopEnd, lastAnswerNanos.get()), loopEnd);
    }

    private int batchSize() {
        long remaining = settings.maxEvents() > 0 ? settings.maxEvents() - offered.sum() - skipped.sum() : Long.MAX_VALUE;
        return (int) Math.min(settings.batchSize(), Math.max(1, remaining));
    }

    private void sendBatch(long due) {
        ProbeSource probeSource = probes;
        GameEvent probe = probeSource == null ? null : probeSource.poll();
        if (probe == null && prepared != null) {
            Prepared batch = prepared.poll();
            if (batch != null) {
                send(BatchEncoder.stampSentAt(batch.body(), Instant.now()), batch.events(), null, null, due);
                return;
            }
        }
        int size = batchSize();
        List<GameEvent> events = new ArrayList<>(size);
        for (int i = probe == null ? 0 : 1; i < size; i++) {
            events.add(game.next());
        }
        if (probe != null) {
            events.add(probe);
        }
        send(encoder.encode(events, Instant.now()), events.size(), probe, probeSource, due);
    }

    private void send(byte[] body, int events, GameEvent probe, ProbeSource probeSource, long due) {
        offered.add(events);
        long sent = System.nanoTime();
        ingest.send(body, events).whenComplete((outcome, error) -> {
            long answered = System.nanoTime();
            try {
                record(outcome == null ? BatchOutcome.failed(events, String.valueOf(error)) : outcome, sent, due, answered);
                if (probe != null) {
                    probeSource.answered(probe, outcome, sent, answered);
                }
            } finally {
                window.release();
            }
        });
    }

    private void record(BatchOutcome outcome, long sent, long due, long answered) {
        lastAnswerNanos.accumulateAndGet(answered, Math::max);
        requests.increment();
        statuses.computeIfAbsent(outcome.status(), s -> new LongAdder()).increment();
        if (outcome.status() != 200) {
            failedRequests.increment();
        }
        accepted.add(outcome.accepted());
        duplicate.add(outcome.duplicate());
        rejected.add(outcome.rejected());
        notPersisted.add(outcome.notPersisted());
        latency.recordNanos(answered - sent);
        if (settings.openLoop()) {
            scheduleLatency.recordNanos(answered - due);
        }
        if (outcome.firstProblem() != null && problems.size() < MAX_PROBLEMS) {
            String problem = outcome.firstProblem();
            if (problems.stream().noneMatch(p -> p.equals(problem))) {
                problems.add(problem);
            }
        }
    }

    /** The report so far. */
    public LoadReport report() {
        long now = System.nanoTime();
        return report(now, now);
    }

    private LoadReport report(long endNanos, long sendingEndNanos) {
        Map<Integer, Long> byStatus = new TreeMap<>();
        statuses.forEach((status, count) -> byStatus.put(status, count.sum()));
        return new LoadReport((endNanos - startNanos) / 1e9, (sendingEndNanos - startNanos) / 1e9, settings.rate(), offered.sum(), skipped.sum(), accepted.sum(),
                duplicate.sum(), rejected.sum(), notPersisted.sum(), requests.sum(), failedRequests.sum(), byStatus,
                List.copyOf(problems), latency.snapshot(), scheduleLatency.snapshot(), maxLagNanos / 1e6,
                settings.maxInFlight() - window.availablePermits());
    }

    private void waitUntil(long due) {
        while (!stopping) {
            long wait = due - System.nanoTime();
            if (wait <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(wait, 50_000_000L));
        }
    }

    /** Events added to batches besides the game's, and told what became of them. */
    public interface ProbeSource {
        /** An event to add to the next batch, or null. Called on the generating thread. */
        GameEvent poll();

        /**
         * The answer to the batch that carried {@code probe}, sent at {@code sentNanos} and answered at
         * {@code answeredNanos} (both {@link System#nanoTime()}).
         */
        void answered(GameEvent probe, BatchOutcome outcome, long sentNanos, long answeredNanos);
    }
}
