package io.veltrix.systemtests.processor;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.stack.ServiceProcess;
import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that times out and retries may reach two ingest replicas with the same request at the same moment. Each
 * replica accepts it (neither has seen the messageIds), so every event reaches events.raw twice, with times a few
 * milliseconds apart (ingest corrects each copy's time with its own arrival); the processor counts each once.
 */
class ConcurrentRetriesTest {

    private static TestServices services;
    private static Database db;
    private static ServiceProcess replica;

    @BeforeAll
    static void platform() {
        services = TestServices.get();
        db = new Database(services.stack());
        replica = services.startExtra(TestServices.INGEST, "ingest-replica-concurrent");
    }

    @AfterAll
    static void stopReplica() {
        if (replica != null) {
            replica.stop();
        }
    }

    @Test
    void theSameRequestThroughTwoReplicasAtOnceIsCountedOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String experiment = "concurrent-" + run;
        ExperimentFixtures.running(db, experiment, "control", "boost");
        Random random = new Random(run.hashCode());
        Instant window = Instant.now().minus(Duration.ofMinutes(90 + random.nextInt(20 * 24 * 60))).truncatedTo(ChronoUnit.MINUTES);
        List<String> players = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            players.add("concurrent-" + run + "-p" + p);
        }
        IngestClient first = new IngestClient(services.url(TestServices.INGEST));
        IngestClient second = new IngestClient(replica.baseUrl());
        double duplicatesBefore = duplicates();
        List<TrackedEvent> sent = new ArrayList<>();
        int acceptedTwice = 0;
        for (int round = 0; round < 10; round++) {
            List<TrackedEvent> batch = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String player = players.get(random.nextInt(players.size()));
                Instant at = window.plusMillis(random.nextInt(30 * 60 * 1000));
                batch.add(i % 8 == 0 ? TrackedEvent.exposure(run + "-" + round + "-" + i, player, at, experiment,
                        player.hashCode() % 2 == 0 ? "control" : "boost")
                        : TrackedEvent.purchase(run + "-" + round + "-" + i, player, at, 1 + random.nextInt(50), 1));
            }
            Instant sentAt = Instant.now();
            CyclicBarrier together = new CyclicBarrier(2);
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> sendTogether(first, batch, sentAt, together));
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> sendTogether(second, batch, sentAt, together));
            int accepted = a.get() + b.get();
            acceptedTwice += accepted - batch.size();
            sent.addAll(batch);
            sent.addAll(batch);
        }
        // both replicas accepted the events: two copies of each reached the processor
        assertEquals(400, acceptedTwice, "every event accepted by both replicas");
        Settling.settle(db, first, players, window, "settled", sent, Duration.ofSeconds(120));
        new StoredAggregates(db).assertEqual(new ExpectedAggregates(sent), List.of(experiment), players);
        assertTrue(duplicates() >= duplicatesBefore + 400, "the second copies were found already counted");
    }

    private static int sendTogether(IngestClient client, List<TrackedEvent> batch, Instant sentAt, CyclicBarrier together) {
        try {
            together.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return client.send(batch, sentAt);
    }

    private static double duplicates() {
        String metrics = given().baseUri(services.url(TestServices.PROCESSOR)).when().get("/q/metrics").then().extract().asString();
        Matcher m = Pattern.compile("(?m)^veltrix_processor_events_duplicate_total ([0-9.E]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
