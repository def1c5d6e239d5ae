package io.veltrix.simulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veltrix.simulator.client.BatchOutcome;
import io.veltrix.simulator.game.GameEvent;
import io.veltrix.simulator.load.Latencies;
import io.veltrix.simulator.load.LoadRunner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end latency, one probe at a time, inside the load: a {@code screen} event (a type the game's load never
 * sends) rides in one of the load's batches; from the moment ingest answered that batch (accepted) the probe polls
 * experiments-service's traffic API every {@value #POLL_MILLIS} ms until the processor's count of {@code screen}
 * events includes it. The next probe leaves after the previous one was seen.
 */
public final class LatencyProbe implements LoadRunner.ProbeSource, Runnable {

    static final int POLL_MILLIS = 10;
    private static final Duration GIVE_UP = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String trafficUrl;
    private final String readToken;
    private final String playerId;
    private final Latencies latencies = new Latencies();
    /** Each seen probe, in order. */
    private final java.util.List<Seen> seenProbes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicReference<GameEvent> pending = new AtomicReference<>();
    private final AtomicReference<Answer> answer = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile long lost;

    private record Answer(GameEvent probe, boolean accepted, long sentNanos, long nanos) {
    }

    /**
     * A seen probe: when ingest answered its batch (nanoTime), its latency from that answer and from the batch's
     * sending.
     */
    private record Seen(long answeredNanos, long latencyNanos, long fromSendNanos) {
    }

    public LatencyProbe(String experimentsUrl, String readToken, String runId) {
        this.readToken = readToken;
        Instant from = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
        this.trafficUrl = experimentsUrl + "/api/v1/traffic/screen?from=" + from + "&to=" + from.plus(Duration.ofHours(3));
        this.playerId = "bench-probe-" + runId;
    }

    @Override
    public GameEvent poll() {
        return pending.getAndSet(null);
    }

    @Override
    public void answered(GameEvent probe, BatchOutcome outcome, long sentNanos, long answeredNanos) {
        answer.set(new Answer(probe, outcome != null && outcome.ok(), sentNanos, answeredNanos));
    }

    /**
     * Reads the probe's count back to back, {@code requests} times or for {@code max} at most: experiments-service's
     * traffic API is read by nobody before the end-to-end phase, and a cold JVM spent the phase's first half
     * compiling it (about 2 ms of CPU per read for the first 3,000, 0.3 ms warm: 8-10 % of the machine's CPU during
     * the phase, BENCHMARKS.md 2026-12-01). A dashboard polling a running service meets it warm.
     *
     * @return the reads done
     */
    public int warmUp(int requests, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        int done = 0;
        while (done < requests && System.nanoTime() < deadline && !stopping) {
            count();
            done++;
        }
        return done;
    }

    public void stop() {
        stopping = true;
    }

    public Latencies.Snapshot latencies() {
        return latencies.snapshot();
    }

    /**
     * The probes whose batch ingest answered from {@code fromNanos} (inclusive) to {@code toNanos} (exclusive), from
     * ingest's answer to visible (the benchmark's end-to-end latency).
     */
    public Latencies.Snapshot latencies(long fromNanos, long toNanos) {
        return window(fromNanos, toNanos, Seen::latencyNanos);
    }

    /**
     * The same probes from the sending of their batch to visible: what a client sees, ingest's answer included (its
     * producer's batching delay, say).
     */
    public Latencies.Snapshot latenciesFromSend(long fromNanos, long toNanos) {
        return window(fromNanos, toNanos, Seen::fromSendNanos);
    }

    private Latencies.Snapshot window(long fromNanos, long toNanos, java.util.function.ToLongFunction<Seen> measure) {
        Latencies window = new Latencies();
        for (Seen probe : seenProbes) {
            if (probe.answeredNanos() - fromNanos >= 0 && probe.answeredNanos() - toNanos < 0) {
                window.recordNanos(measure.applyAsLong(probe));
            }
        }
        return window.snapshot();
    }

    /**
     * A probe seen {@code latencyNanos} after ingest answered its batch at {@code answeredNanos}, which was sent
     * {@code requestNanos} before that answer.
     */
    void seen(long answeredNanos, long latencyNanos, long requestNanos) {
        latencies.recordNanos(latencyNanos);
        seenProbes.add(new Seen(answeredNanos, latencyNanos, latencyNanos + requestNanos));
    }

    /**
     * The probes by slice of the phase: "0-10 s: 17 probes, p50 70 ms, max 3,400 ms; 10-20 s: ..." (when in the phase
     * the tail happened: a transient at the start, or spread over it).
     *
     * @param startNanos the phase's start ({@link System#nanoTime()})
     */
    public String bySlice(long startNanos, Duration slice) {
        java.util.TreeMap<Long, Latencies> slices = new java.util.TreeMap<>();
        for (Seen probe : seenProbes) {
            slices.computeIfAbsent(Math.max(0, probe.answeredNanos() - startNanos) / slice.toNanos(), k -> new Latencies())
                    .recordNanos(probe.latencyNanos());
        }
        java.util.StringJoiner text = new java.util.StringJoiner("; ");
        long width = slice.toSeconds();
        slices.forEach((k, l) -> {
            Latencies.Snapshot s = l.snapshot();
            text.add(String.format(java.util.Locale.ROOT, "%d-%d s: %d probes, p50 %.0f ms, max %,.0f ms", k * width,
                    (k + 1) * width, s.count(), s.p50(), s.max()));
        });
        return text.toString();
    }

    /** Probes that were not accepted or not seen within 30 s. */
    public long lost() {
        return lost;
    }

    @Override
    public void run() {
        long seen = count();
        while (seen < 0 && !stopping) {
            LockSupport.parkNanos(100_000_000L);
            seen = count();
        }
        while (!stopping) {
            GameEvent probe = new GameEvent("screen", null, playerId, UUID.randomUUID().toString(), Instant.now(),
                    Map.of("name", "latency-probe"), null);
            answer.set(null);
            pending.set(probe);
            Answer answered = awaitAnswer(probe);
            if (answered == null) {
                pending.set(null);
                break;
            }
            if (!answered.accepted()) {
                lost++;
                continue;
            }
            long deadline = answered.nanos() + GIVE_UP.toNanos();
            long current = seen;
            while (current <= seen && System.nanoTime() < deadline && !stopping) {
                LockSupport.parkNanos(POLL_MILLIS * 1_000_000L);
                current = count();
            }
            long visible = System.nanoTime();
            if (current > seen) {
                seen(answered.nanos(), visible - answered.nanos(), answered.nanos() - answered.sentNanos());
                seen = current;
            } else if (!stopping) {
                lost++;
                seen = count();
            }
            LockSupport.parkNanos(100_000_000L); // ~10 probes/s at most: a measurement, not load
        }
    }

    private Answer awaitAnswer(GameEvent probe) {
        while (!stopping) {
            Answer a = answer.get();
            if (a != null && a.probe() == probe) {
                return a;
            }
            LockSupport.parkNanos(1_000_000L);
        }
        return null;
    }

    /** The processor's count of screen events in the window, as experiments-service shows it; -1 on error. */
    private long count() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(trafficUrl))
                    .header("Authorization", "Bearer " + readToken)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return -1;
            }
            JsonNode body = JSON.readTree(response.body());
            return body.path("total").asLong(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return -1;
        }
    }
}
