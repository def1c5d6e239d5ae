package io.veltrix.systemtests.processor;

import static org.awaitility.Awaitility.await;

import io.veltrix.stack.ServiceProcess;
import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events of simulated players through the real platform (HTTP → ingest → Pulsar → processor → PostgreSQL),
 * including the same messageIds sent again (within a request, and to a second ingest replica that has not seen
 * them, so that they reach the processor) and exposures that arrive after the player's conversions were
 * counted: the stored participants, metrics and traffic equal what the test computes on its own.
 */
class ProcessorEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static TestServices services;
    private static Database db;
    private static ServiceProcess secondIngest;

    @BeforeAll
    static void platform() {
        services = TestServices.get();
        db = new Database(services.stack());
        secondIngest = services.startExtra(TestServices.INGEST, "ingest-replica-e2e");
    }

    @AfterAll
    static void stopReplica() {
        if (secondIngest != null) {
            secondIngest.stop();
        }
    }

    @Test
    void aggregatesEqualAnIndependentComputation() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String experimentA = "e2e-proc-a-" + run;
        String experimentB = "e2e-proc-b-" + run;
        ExperimentFixtures.running(db, experimentA, "control", "boost", "big");
        ExperimentFixtures.running(db, experimentB, "control", "boost");
        Random random = new Random(run.hashCode());
        // half an hour of its own in the past, so that the traffic of those minutes is this test's alone
        Instant window = Instant.now().minus(Duration.ofMinutes(90 + random.nextInt(20 * 24 * 60))).truncatedTo(ChronoUnit.MINUTES);
        Map<String, Long> trafficBefore = new StoredAggregates(db).trafficBaseline(window);

        List<String> players = new ArrayList<>();
        List<TrackedEvent> early = new ArrayList<>();  // conversions and the later exposures
        List<TrackedEvent> late = new ArrayList<>();   // each player's earliest exposures: sent after the rest is counted
        for (int p = 0; p < 100; p++) {
            String player = "e2e-proc-" + run + "-p" + p;
            players.add(player);
            for (int i = 0, n = 3 + random.nextInt(6); i < n; i++) {
                early.add(conversion(random, run + "-" + p + "-c" + i, player, at(random, window)));
            }
            exposures(random, run + "-" + p + "-a", player, window, experimentA, List.of("control", "boost", "big"), 1 + random.nextInt(3), early, late);
            if (p % 2 == 0) {
                exposures(random, run + "-" + p + "-b", player, window, experimentB, List.of("control", "boost"), 1, early, late);
            }
        }
        List<TrackedEvent> sent = new ArrayList<>();
        IngestClient ingest = new IngestClient(services.url(TestServices.INGEST));

        // 1. conversions first, with some sent twice in the same request
        List<TrackedEvent> first = new ArrayList<>(early);
        first.addAll(early.subList(0, early.size() / 10));
        Collections.shuffle(first, random);
        sendInBatches(ingest, first, sent);
        settle(ingest, players, window, "m1", sent);

        // 2. a client retry that reaches another ingest replica: published again, the processor must dedupe it
        sendInBatches(new IngestClient(secondIngest.baseUrl()), early.subList(0, early.size() / 5), sent);
        settle(new IngestClient(secondIngest.baseUrl()), players, window, "m2", sent);

        // 3. the earliest exposures, after the conversions they precede were counted
        sendInBatches(ingest, late, sent);
        settle(ingest, players, window, "m3", sent);

        ExpectedAggregates expected = new ExpectedAggregates(sent);
        StoredAggregates stored = new StoredAggregates(db);
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                stored.assertEqual(expected, List.of(experimentA, experimentB), players, trafficBefore));
        System.out.printf("end to end: %d events sent (%d distinct), %d participants (%d exposed first by a late exposure), "
                        + "%d participant metrics, %d traffic minutes%n", sent.size(), expected.distinctEvents,
                expected.participants.size(), late.size(), expected.metrics.size(), expected.traffic.size());
    }

    private static void exposures(Random random, String id, String player, Instant window, String experiment,
                                  List<String> variants, int count, List<TrackedEvent> early, List<TrackedEvent> late) {
        String assigned = variants.get(random.nextInt(variants.size()));
        List<TrackedEvent> exposures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // now and then an exposure to another variant (an SDK with a stale assignment)
            String variant = random.nextInt(8) == 0 ? variants.get(random.nextInt(variants.size())) : assigned;
            exposures.add(TrackedEvent.exposure(id + i, player, at(random, window), experiment, variant));
        }
        exposures.sort((a, b) -> a.at().compareTo(b.at()));
        late.add(exposures.get(0));
        early.addAll(exposures.subList(1, exposures.size()));
    }

    private static TrackedEvent conversion(Random random, String id, String player, Instant at) {
        return switch (random.nextInt(4)) {
            case 0 -> TrackedEvent.treasure(id, player, at, 1 + random.nextInt(500));
            case 1 -> TrackedEvent.purchase(id, player, at, Math.round(random.nextDouble() * 5000) / 100.0, 1 + random.nextInt(3));
            case 2 -> TrackedEvent.clue(id, player, at, random.nextInt(10), Math.round(random.nextDouble() * 1200) / 10.0);
            default -> TrackedEvent.session(id, player, at);
        };
    }

    private static Instant at(Random random, Instant window) {
        return window.plusMillis(random.nextInt(30 * 60 * 1000));
    }

    private static void sendInBatches(IngestClient ingest, List<TrackedEvent> events, List<TrackedEvent> sent) {
        for (int i = 0; i < events.size(); i += 100) {
            List<TrackedEvent> batch = events.subList(i, Math.min(events.size(), i + 100));
            ingest.send(batch);
            sent.addAll(batch);
        }
    }

    private static void settle(IngestClient ingest, List<String> players, Instant window, String name, List<TrackedEvent> sent) {
        Settling.settle(services.stack(), db, ingest, players, window.plusSeconds(1), name, sent, WAIT);
    }
}
