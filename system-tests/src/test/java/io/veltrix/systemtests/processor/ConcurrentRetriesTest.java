package io.veltrix.systemtests.processor;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.stack.ServiceProcess;
import io.veltrix.testing.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
class ConcurrentRetriesTest extends PlatformTest {

    private static ServiceProcess replica;

    @BeforeAll
    static void startReplica() {
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
        Map<String, Long> exposures = new TreeMap<>();
        Map<String, List<Double>> purchases = new TreeMap<>();
        int acceptedTwice = 0;
        int distinct = 0;
        for (int round = 0; round < 10; round++) {
            List<TrackedEvent> batch = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String player = players.get(random.nextInt(players.size()));
                String id = run + "-" + round + "-" + i;
                if (i % 8 == 0) {
                    // exposures in the first 10 minutes of the window, purchases from minute 20 on: a copy's time, moved by a
                    // few milliseconds (each replica corrects it with its own arrival), never changes what counts
                    batch.add(TrackedEvent.exposure(id, player, window.plusMillis(random.nextInt(10 * 60 * 1000)), experiment,
                            Math.floorMod(player.hashCode(), 2) == 0 ? "control" : "boost"));
                    exposures.merge(player, 1L, Long::sum);
                } else {
                    double revenue = 1 + random.nextInt(50);
                    batch.add(TrackedEvent.purchase(id, player, window.plusMillis((20 + random.nextInt(10)) * 60_000L), revenue, 1));
                    purchases.computeIfAbsent(player, k -> new ArrayList<>()).add(revenue);
                }
            }
            Instant sentAt = Instant.now();
            CyclicBarrier together = new CyclicBarrier(2);
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> sendTogether(first, batch, sentAt, together));
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> sendTogether(second, batch, sentAt, together));
            acceptedTwice += a.get() + b.get() - batch.size();
            distinct += batch.size();
        }
        // both replicas accepted every event: two copies of each reached the processor
        assertEquals(distinct, acceptedTwice, "every event accepted by both replicas");
        // every second copy reached the processor and was found counted already
        double expectedDuplicates = duplicatesBefore + distinct;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> duplicates() >= expectedDuplicates);
        assertEquals(distinct, db.number("select count(*) from processing.processed_event where player_id = any(?)",
                (Object) players.toArray(String[]::new)), "each event counted once");
        for (Map.Entry<String, Long> exposed : exposures.entrySet()) {
            assertEquals(exposed.getValue(), db.number("select exposures from processing.participant where experiment_key = ? "
                    + "and player_id = ?", experiment, exposed.getKey()), "exposures of " + exposed.getKey());
            List<Double> bought = purchases.getOrDefault(exposed.getKey(), List.of());
            assertEquals(bought.size(), db.number("select coalesce(sum(events), 0) from processing.participant_metric "
                    + "where experiment_key = ? and player_id = ? and metric = 'purchase_completed'", experiment, exposed.getKey()));
            assertEquals(bought.stream().mapToDouble(Double::doubleValue).sum(), ((Number) db.rows("select coalesce(sum(value_sum), 0) "
                    + "v from processing.participant_metric where experiment_key = ? and player_id = ? "
                    + "and metric = 'purchase_completed.revenue'", experiment, exposed.getKey()).get(0).get("v")).doubleValue(), 1e-9);
        }
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
        String metrics = given().baseUri(services.managementUrl(TestServices.PROCESSOR)).when().get("/q/metrics").then().extract().asString();
        Matcher m = Pattern.compile("(?m)^veltrix_processor_events_duplicate_total ([0-9.E]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
