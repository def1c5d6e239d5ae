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
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two processor instances share the work (Key_Shared); one of them is killed while events flow, or stopped
 * gracefully: the other takes over its players, and every event is counted exactly once.
 */
class TwoProcessorsCrashTest {

    private static final Pattern COUNTED = Pattern.compile("(?m)^veltrix_processor_events_counted_total\\{[^}]*\\} ([0-9.E]+)$");
    private static TestServices services;
    private static Database db;

    @BeforeAll
    static void platform() {
        services = TestServices.get();
        db = new Database(services.stack());
    }

    @Test
    void aSecondInstanceKilledWhileEventsFlowLosesNothingAndCountsNothingTwice() throws Exception {
        run("two-kill", ServiceProcess::kill);
    }

    @Test
    void aSecondInstanceStoppedGracefullyFinishesOrHandsOverItsBatch() throws Exception {
        ServiceProcess[] stopped = new ServiceProcess[1];
        run("two-stop", process -> {
            stopped[0] = process;
            process.stop();
        });
        String log = Files.readString(stopped[0].logFile());
        assertTrue(log.contains("events-raw: stopped consuming"), "the stopping processor drained its consumer");
    }

    private void run(String name, java.util.function.Consumer<ServiceProcess> end) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String experiment = name + "-" + run;
        ExperimentFixtures.running(db, experiment, "control", "boost");
        Instant window = Instant.now().minus(Duration.ofMinutes(90 + ThreadLocalRandom.current().nextInt(20 * 24 * 60)))
                .truncatedTo(ChronoUnit.MINUTES);
        List<String> players = new ArrayList<>();
        for (int p = 0; p < 60; p++) {
            players.add(name + "-" + run + "-p" + p);
        }
        IngestClient ingest = new IngestClient(services.url(TestServices.INGEST));
        long started = System.nanoTime();
        ServiceProcess second = services.startExtra(TestServices.PROCESSOR, "processor-" + name);
        List<TrackedEvent> sent;
        try (EventStream stream = new EventStream(ingest, players, window, experiment, run)) {
            // the second instance has taken its share of the players
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> counted(second) > 0);
            end.accept(second);
            int ended = stream.sentCount();
            await().atMost(Duration.ofSeconds(60)).until(() -> stream.sentCount() >= ended + 400);
            sent = stream.stop();
        } finally {
            if (second.isAlive()) {
                second.kill();
            }
        }
        Settling.settle(db, ingest, players, window, "settled", sent, Duration.ofSeconds(120));
        new StoredAggregates(db).assertEqual(new ExpectedAggregates(sent), List.of(experiment), players);
        System.out.printf("%s: %d events, %d s%n", name, sent.size(), Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /** Events the instance has counted (all types), from its /q/metrics. */
    private static double counted(ServiceProcess processor) {
        String metrics = given().baseUri(processor.baseUrl()).when().get("/q/metrics").then().extract().asString();
        double total = 0;
        Matcher matcher = COUNTED.matcher(metrics);
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(1));
        }
        return total;
    }
}
