package io.veltrix.systemtests.processor;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.stack.ServiceProcess;
import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * While events stream through ingest, the processor is killed with SIGKILL and restarted, twice: afterwards
 * every event is counted exactly once (no loss, no double count in any aggregate).
 */
class ProcessorCrashTest {

    private static TestServices services;
    private static Database db;

    @BeforeAll
    static void platform() {
        services = TestServices.get();
        db = new Database(services.stack());
    }

    @Test
    void killedTwiceWhileEventsFlowEveryEventIsCountedOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String experiment = "crash-" + run;
        ExperimentFixtures.running(db, experiment, "control", "boost");
        Instant window = Instant.now().minus(Duration.ofMinutes(90 + ThreadLocalRandom.current().nextInt(20 * 24 * 60)))
                .truncatedTo(ChronoUnit.MINUTES);
        List<String> players = new ArrayList<>();
        for (int p = 0; p < 60; p++) {
            players.add("crash-" + run + "-p" + p);
        }
        IngestClient ingest = new IngestClient(services.url(TestServices.INGEST));
        long started = System.nanoTime();
        List<TrackedEvent> sent;
        try (EventStream stream = new EventStream(ingest, players, window, experiment, run)) {
            for (int crash = 1; crash <= 2; crash++) {
                int before = stream.sentCount();
                // events flow and are being counted...
                await().atMost(Duration.ofSeconds(60)).until(() -> stream.sentCount() >= before + 400);
                services.process(TestServices.PROCESSOR).kill();
                int killedAt = stream.sentCount();
                // ...ingest goes on while the processor is down...
                await().atMost(Duration.ofSeconds(60)).until(() -> stream.sentCount() >= killedAt + 200);
                services.restart(TestServices.PROCESSOR);
            }
            int restarted = stream.sentCount();
            await().atMost(Duration.ofSeconds(60)).until(() -> stream.sentCount() >= restarted + 400);
            sent = stream.stop();
        }
        Settling.settle(db, ingest, players, window, "settled", sent, Duration.ofSeconds(120));
        new StoredAggregates(db).assertEqual(new ExpectedAggregates(sent), List.of(experiment), players);
        // what the last instance found already counted: messages committed by a killed one but not acknowledged
        System.out.printf("crash test: %d events, 2 kills, %d s; the last instance found %.0f already counted%n", sent.size(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), duplicates());
    }

    /**
     * The crash the exactly-once guarantee is about, made certain: the processor halts (as kill -9 would) right after a
     * transaction committed and before its messages were acknowledged. Pulsar redelivers them to the next instance,
     * which finds every one of them counted already: its duplicate count covers at least that batch, and the
     * aggregates equal the sent events, each once.
     */
    @Test
    void aCrashBetweenCommitAndAcknowledgementIsSuppressedAsDuplicates() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String experiment = "halt-" + run;
        ExperimentFixtures.running(db, experiment, "control", "boost");
        Instant window = Instant.now().minus(Duration.ofMinutes(90 + ThreadLocalRandom.current().nextInt(20 * 24 * 60)))
                .truncatedTo(ChronoUnit.MINUTES);
        List<String> players = new ArrayList<>();
        for (int p = 0; p < 60; p++) {
            players.add("halt-" + run + "-p" + p);
        }
        IngestClient ingest = new IngestClient(services.url(TestServices.INGEST));
        List<TrackedEvent> sent;
        long unacknowledged;
        try (EventStream stream = new EventStream(ingest, players, window, experiment, run)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> stream.sentCount() >= 400);
            ServiceProcess halting = services.restart(TestServices.PROCESSOR,
                    Map.of("veltrix.processor.fault.halt-after-commits", "5"));
            await().atMost(Duration.ofSeconds(120)).until(() -> !halting.isAlive());
            Matcher halted = Pattern
                    .compile("halting after commit (\\d+); (\\d+) events of it counted and not acknowledged")
                    .matcher(Files.readString(halting.logFile()));
            assertTrue(halted.find(), "the processor halted at the fault point");
            unacknowledged = Long.parseLong(halted.group(2));
            services.restart(TestServices.PROCESSOR);
            int restarted = stream.sentCount();
            await().atMost(Duration.ofSeconds(60)).until(() -> stream.sentCount() >= restarted + 200);
            sent = stream.stop();
        }
        Settling.settle(db, ingest, players, window, "settled", sent, Duration.ofSeconds(120));
        new StoredAggregates(db).assertEqual(new ExpectedAggregates(sent), List.of(experiment), players);
        double duplicates = duplicates();
        assertTrue(unacknowledged > 0, "the halted batch had counted events");
        assertTrue(duplicates >= unacknowledged, "the " + unacknowledged
                + " events committed but not acknowledged came back and were suppressed as duplicates (found " + duplicates + ")");
        System.out.printf("halt between commit and acknowledgement: %d events unacknowledged, %.0f duplicates suppressed%n",
                unacknowledged, duplicates);
    }

    private static double duplicates() {
        String metrics = given().baseUri(services.url(TestServices.PROCESSOR))
                .when().get("/q/metrics").then().extract().asString();
        Matcher m = Pattern
                .compile("(?m)^veltrix_processor_events_duplicate_total ([0-9.E]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
