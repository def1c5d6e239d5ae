package io.veltrix.systemtests.processor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.schemas.Topics;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.Database;
import io.veltrix.testing.TopicProbe;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One test's stream of events through ingest, and the checks afterwards: its own running experiment, its own players
 * and a past half hour of its own (so that the traffic of those minutes is its alone); while the stream flows, the
 * test does what it tests (kills, faults, outages); then every sent event must be counted exactly once and none of
 * them dead-lettered.
 */
final class StreamRun {

    final String run;
    final String experiment;
    final Instant window;
    final List<String> players = new ArrayList<>();
    final IngestClient ingest;
    final Instant started = Instant.now();
    private final Database db;
    private final Map<String, Long> trafficBefore;
    private List<TrackedEvent> sent;

    /** A thing a test does while the events flow. */
    interface During {
        void run(EventStream stream) throws Exception;
    }

    StreamRun(String name, Database db, String ingestUrl, int playerCount) {
        this.db = db;
        run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        experiment = "stream-" + run;
        ExperimentFixtures.running(db, experiment, "control", "boost");
        window = Instant.now().minus(Duration.ofMinutes(90 + ThreadLocalRandom.current().nextInt(20 * 24 * 60)))
                .truncatedTo(ChronoUnit.MINUTES);
        for (int p = 0; p < playerCount; p++) {
            players.add(run + "-p" + p);
        }
        ingest = new IngestClient(ingestUrl);
        trafficBefore = new StoredAggregates(db).trafficBaseline(window);
    }

    /** Streams until 400 events were accepted, does {@code during}, streams 400 more, stops. */
    StreamRun stream(During during) throws Exception {
        try (EventStream stream = new EventStream(ingest, players, window, experiment, run)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> stream.sentCount() >= 400);
            during.run(stream);
            int after = stream.sentCount();
            await().atMost(Duration.ofSeconds(120)).until(() -> stream.sentCount() >= after + 400);
            sent = stream.stop();
        }
        return this;
    }

    List<TrackedEvent> sent() {
        return sent;
    }

    /** Every sent event counted exactly once (in every aggregate), none on the dead-letter topic of {@code stack}. */
    void assertCountedOnce(StackInfo stack) {
        Settling.settle(stack, db, ingest, players, window, "settled", sent, Duration.ofSeconds(120));
        new StoredAggregates(db).assertEqual(new ExpectedAggregates(sent), List.of(experiment), players, trafficBefore);
        try (TopicProbe probe = TopicProbe.since(stack, started)) {
            assertEquals(0, probe.readAll(Topics.RAW_DLQ, m -> players.contains(m.getKey())).size(), "dead letters");
        }
    }
}
