package io.veltrix.systemtests.processor;

import static org.awaitility.Awaitility.await;

import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
        String metrics = io.restassured.RestAssured.given().baseUri(services.url(TestServices.PROCESSOR))
                .when().get("/q/metrics").then().extract().asString();
        java.util.regex.Matcher duplicates = java.util.regex.Pattern
                .compile("(?m)^veltrix_processor_events_duplicate_total ([0-9.E]+)$").matcher(metrics);
        System.out.printf("crash test: %d events, 2 kills, %d s; the last instance found %s already counted%n", sent.size(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), duplicates.find() ? duplicates.group(1) : "?");
    }
}
