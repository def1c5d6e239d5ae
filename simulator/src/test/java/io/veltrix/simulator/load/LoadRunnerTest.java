package io.veltrix.simulator.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.veltrix.simulator.client.BatchEncoder;
import io.veltrix.simulator.client.IngestClient;
import io.veltrix.simulator.game.GameSettings;
import io.veltrix.simulator.game.TreasureHuntGame;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load runner against a fake ingest (the JDK's HTTP server) that answers like ingest, slowly when asked to. */
class LoadRunnerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;
    private final AtomicInteger events = new AtomicInteger();
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private volatile long delayMillis;
    private final List<Instant> sentAt = new CopyOnWriteArrayList<>();
    private final Set<String> messageIds = ConcurrentHashMap.newKeySet();

    private String start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.createContext("/v1/batch", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            JsonNode request = JSON.readTree(body);
            JsonNode batch = request.path("batch");
            events.addAndGet(batch.size());
            sentAt.add(Instant.parse(request.path("sentAt").asText()));
            messageIds.addAll(batch.findValuesAsText("messageId"));
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = ("{\"success\":true,\"accepted\":" + batch.size() + ",\"duplicate\":0,\"rejected\":0,\"results\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private final List<IngestClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(IngestClient::close);
        if (server != null) {
            server.stop(0);
        }
    }

    private LoadRunner runner(String url, LoadSettings settings) {
        TreasureHuntGame game = new TreasureHuntGame(GameSettings.defaults(200, 0.2, "lr", 1), p -> List.of(), Clock.systemUTC());
        IngestClient client = new IngestClient(url, "wk", false, Duration.ofSeconds(10), 64);
        clients.add(client);
        return new LoadRunner(game, new BatchEncoder(), client, settings);
    }

    @Test
    void openLoopKeepsTheScheduleAndEverythingSentArrives() throws IOException {
        String url = start();
        LoadReport report = runner(url, new LoadSettings(2000, 50, 64, Duration.ofSeconds(2), 0)).run(null, null);
        // 2 s at 2,000 events/s: 80 batches were due; each was sent or (on a starved machine) counted as skipped
        assertEquals(4000, report.offeredEvents() + report.skippedEvents());
        assertEquals(report.offeredEvents(), report.accepted());
        assertEquals(report.accepted(), events.get());
        assertEquals(report.skippedEvents() == 0 && report.offeredRate() >= 1900, report.reachedTarget(), report.summary());
        assertEquals("Basic d2s6", authorization.get(), "the write key as HTTP Basic user, empty password");
    }

    @Test
    void aSlowServerShowsAsSkippedEventsNotAsALowerOfferedRateInDisguise() throws IOException {
        String url = start();
        delayMillis = 200; // 4 requests outstanding at most, 5 answers per second each: 20 batches/s of the 40 due
        LoadReport report = runner(url, new LoadSettings(4000, 100, 4, Duration.ofSeconds(2), 0)).run(null, null);
        assertTrue(report.skippedEvents() > 0, report.summary());
        assertFalse(report.reachedTarget());
        assertTrue(report.summary().contains("BELOW TARGET"), report.summary());
        assertTrue(report.scheduleLatency().p99() >= report.latency().p50(), "latency from schedule includes the wait");
    }

    @Test
    void closedLoopSendsExactlyTheAskedNumberOfEvents() throws IOException {
        String url = start();
        LoadReport report = runner(url, new LoadSettings(0, 100, 4, null, 1_050)).run(null, null);
        assertEquals(1_050, report.offeredEvents());
        assertEquals(1_050, report.accepted());
        assertEquals(11, report.requests());
        assertTrue(report.acceptedRate() > 0);
    }

    @Test
    void preparedBatchesAreSentOnceEachWithTheTimeTheyLeave() throws Exception {
        String url = start();
        LoadRunner runner = runner(url, new LoadSettings(0, 100, 4, null, 1_050));
        assertEquals(1_050, runner.prepare(Long.MAX_VALUE));
        Instant prepared = Instant.now();
        Thread.sleep(50);
        LoadReport report = runner.run(null, null);
        assertEquals(1_050, report.accepted());
        assertEquals(11, report.requests());
        assertEquals(1_050, messageIds.size(), "every prepared event sent once");
        assertTrue(sentAt.stream().allMatch(t -> t.isAfter(prepared)), "sentAt is when the batch left: " + sentAt);
    }

    @Test
    void whatDoesNotFitTheBudgetIsMadeWhileSending() throws Exception {
        String url = start();
        LoadRunner runner = runner(url, new LoadSettings(0, 100, 4, null, 1_050));
        long prepared = runner.prepare(1); // the first batch goes over the budget: only it is prepared
        assertEquals(100, prepared);
        LoadReport report = runner.run(null, null);
        assertEquals(1_050, report.accepted());
        assertEquals(1_050, messageIds.size());
    }

    @Test
    void anOpenLoopRunPreparesItsRateOverItsDurationAndAProbeStillRidesInABatch() throws Exception {
        String url = start();
        LoadRunner runner = runner(url, new LoadSettings(2000, 50, 64, Duration.ofSeconds(1), 0));
        assertEquals(2_000, runner.prepare(Long.MAX_VALUE));
        io.veltrix.simulator.game.GameEvent probe = new io.veltrix.simulator.game.GameEvent("screen", null, "probe-player",
                "probe-message", Instant.now(), java.util.Map.of("name", "latency-probe"), null);
        AtomicReference<io.veltrix.simulator.game.GameEvent> pending = new AtomicReference<>(probe);
        AtomicReference<io.veltrix.simulator.client.BatchOutcome> probeAnswer = new AtomicReference<>();
        runner.probes(new LoadRunner.ProbeSource() {
            @Override
            public io.veltrix.simulator.game.GameEvent poll() {
                return pending.getAndSet(null);
            }

            @Override
            public void answered(io.veltrix.simulator.game.GameEvent p, io.veltrix.simulator.client.BatchOutcome outcome,
                                 long sentNanos, long answeredNanos) {
                probeAnswer.set(outcome);
            }
        });
        LoadReport report = runner.run(null, null);
        // 40 batches due in the second; the one carrying the probe was made as it left, the prepared ones took the rest
        assertEquals(2_000, report.offeredEvents() + report.skippedEvents(), report.summary());
        assertEquals(report.offeredEvents(), events.get());
        assertTrue(messageIds.contains("probe-message"), "the probe was sent");
        assertTrue(probeAnswer.get() != null && probeAnswer.get().ok(), "the probe's batch was answered");
        assertEquals(report.offeredEvents(), messageIds.size(), "every event sent once");
    }

    @Test
    void anOpenLoopRunWithoutADurationPreparesNothing() throws IOException {
        String url = start();
        assertEquals(0, runner(url, new LoadSettings(2000, 50, 64, null, 0)).prepare(Long.MAX_VALUE));
    }

    @Test
    void everyAnswerIsReadWhenRequestsComeFromAnotherThread() throws Exception {
        // the load generator's thread sends, the client's event loop answers: each answer's body must be read whole.
        // (The race this guards against, an empty 200 once in ~6,000 requests of the benchmark's end-to-end phase on a
        // saturated machine, did not show on an idle one, with or without the fix: a sanity check, not a reproducer.)
        String url = start();
        IngestClient client = new IngestClient(url, "wk", false, Duration.ofSeconds(10), 64);
        clients.add(client);
        byte[] body = "{\"sentAt\":\"2026-12-01T19:00:00.000Z\",\"batch\":[{}]}".getBytes(StandardCharsets.UTF_8);
        List<java.util.concurrent.CompletableFuture<io.veltrix.simulator.client.BatchOutcome>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            answers.add(client.send(body, 1));
            if (answers.size() % 64 == 0) {
                answers.get(answers.size() - 64).join(); // at most ~64 outstanding
            }
        }
        long unread = answers.stream().map(java.util.concurrent.CompletableFuture::join).filter(a -> !a.ok()).count();
        assertEquals(0, unread, "answers not read: " + answers.stream().map(java.util.concurrent.CompletableFuture::join)
                .filter(a -> !a.ok()).findFirst().map(a -> a.firstProblem()).orElse(""));
        assertEquals(3_000, events.get());
    }
}
