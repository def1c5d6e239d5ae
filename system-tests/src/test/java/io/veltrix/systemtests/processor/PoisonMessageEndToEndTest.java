package io.veltrix.systemtests.processor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.schemas.Topics;
import io.veltrix.testing.Database;
import io.veltrix.testing.PulsarClients;
import io.veltrix.testing.TestServices;
import io.veltrix.testing.TopicProbe;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Messages that can never be decoded, published straight to events.raw ahead of a player's good events: they
 * are redelivered a bounded number of times with backoff and end on events.raw-DLQ, while the good events
 * behind them, of the same player (same key), are counted without waiting for them.
 */
class PoisonMessageEndToEndTest {

    private static TestServices services;
    private static Database db;

    @BeforeAll
    static void platform() {
        services = TestServices.get();
        db = new Database(services.stack());
    }

    @Test
    void poisonEndsOnTheDeadLetterTopicAndNeverStallsTheKeyBehindIt() throws Exception {
        String run = UUID.randomUUID().toString();
        String player = "poison-e2e-" + run;
        byte[] random = new byte[48];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] = 1; // not the magic byte
        byte[] unknownContentId = ByteBuffer.allocate(12).put((byte) 0).putInt(0x7FFF_FF00).putInt(42).array();
        String[] poisonIds = {"poison-random-" + run, "poison-content-id-" + run};
        byte[][] poison = {random, unknownContentId};
        Instant published = Instant.now();
        try (PulsarClient client = PulsarClients.operator(services.stack());
             Producer<byte[]> producer = client.newProducer(Schema.BYTES).topic(Topics.RAW)
                     .batcherBuilder(BatcherBuilder.KEY_BASED).create()) {
            for (int i = 0; i < poison.length; i++) {
                producer.newMessage().key(player).property(Topics.PROP_EVENT_ID, poisonIds[i]).value(poison[i]).send();
            }
        }
        Instant now = Instant.now();
        List<TrackedEvent> good = List.of(TrackedEvent.treasure("good-1-" + run, player, now, 10),
                TrackedEvent.purchase("good-2-" + run, player, now.plusMillis(5), 4.99, 1));
        new IngestClient(services.url(TestServices.INGEST)).send(good);

        // counted well before the poison's redeliveries (1 + 2 + 4 + 8 s of backoff) are over
        long sentAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(200)).until(() ->
                db.number("select count(*) from processing.processed_event where player_id = ?", player) == 2);
        System.out.printf("poison: good events counted %d ms after they were sent%n",
                Duration.ofNanos(System.nanoTime() - sentAt).toMillis());

        for (int i = 0; i < poison.length; i++) {
            Message<byte[]> dead = TopicProbe.awaitOne(services.stack(), published, Topics.RAW_DLQ,
                    TopicProbe.property(Topics.PROP_EVENT_ID, poisonIds[i]), Duration.ofSeconds(90));
            assertArrayEquals(poison[i], dead.getValue());
            assertEquals(player, dead.getKey());
            long waited = dead.getPublishTime() - published.toEpochMilli();
            // maxRedeliverCount=3: four deliveries, three redeliveries after 1 s, 2 s and 4 s (then 8 s before the DLQ)
            assertTrue(waited >= 7_000, "dead-lettered " + waited + " ms after it was published");
            System.out.printf("poison %s dead-lettered after %d ms%n", poisonIds[i], waited);
        }
    }
}
