package io.veltrix.systemtests.processor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A steady stream of events from simulated players through ingest, on a thread of its own: batches of
 * conversions and exposures (to the test's own experiment, occurring at random times in the test's own
 * window, so exposures often arrive after conversions that follow them). Remembers everything ingest took.
 */
final class EventStream implements AutoCloseable {

    private final IngestClient ingest;
    private final List<String> players;
    private final Instant window;
    private final String experiment;
    private final String run;
    private final Random random;
    private final List<TrackedEvent> sent = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private volatile Throwable failure;

    EventStream(IngestClient ingest, List<String> players, Instant window, String experiment, String run) {
        this.ingest = ingest;
        this.players = players;
        this.window = window;
        this.experiment = experiment;
        this.run = run;
        this.random = new Random(run.hashCode());
        this.thread = new Thread(this::stream, "event-stream-" + run);
        thread.setDaemon(true);
        thread.start();
    }

    /** At most this many events per second: a steady stream, not a flood (faults may last a minute). */
    private static final int RATE = 2_000;

    private void stream() {
        long batch = 0;
        long next = System.nanoTime();
        try {
            while (running.get()) {
                next += 40L * 1_000_000_000L / RATE;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                List<TrackedEvent> events = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    events.add(event(run + "-" + batch + "-" + i));
                }
                ingest.send(events);
                synchronized (sent) {
                    sent.addAll(events);
                }
                batch++;
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    private TrackedEvent event(String id) {
        String player = players.get(random.nextInt(players.size()));
        Instant at = window.plusMillis(random.nextInt(30 * 60 * 1000));
        return switch (random.nextInt(10)) {
            case 0 -> TrackedEvent.exposure(id, player, at, experiment,
                    (player.hashCode() + (random.nextInt(10) == 0 ? 1 : 0)) % 2 == 0 ? "control" : "boost");
            case 1, 2, 3 -> TrackedEvent.treasure(id, player, at, 1 + random.nextInt(500));
            case 4, 5 -> TrackedEvent.purchase(id, player, at, Math.round(random.nextDouble() * 5000) / 100.0, 1 + random.nextInt(3));
            case 6, 7 -> TrackedEvent.clue(id, player, at, random.nextInt(10), Math.round(random.nextDouble() * 1200) / 10.0);
            default -> TrackedEvent.session(id, player, at);
        };
    }

    /** Events ingest has accepted so far. */
    int sentCount() {
        synchronized (sent) {
            return sent.size();
        }
    }

    /** Stops after the request in progress; returns everything ingest took. */
    List<TrackedEvent> stop() throws InterruptedException {
        running.set(false);
        thread.join(120_000);
        if (failure != null) {
            throw new AssertionError("the event stream failed", failure);
        }
        synchronized (sent) {
            return new ArrayList<>(sent);
        }
    }

    @Override
    public void close() {
        running.set(false);
    }
}
