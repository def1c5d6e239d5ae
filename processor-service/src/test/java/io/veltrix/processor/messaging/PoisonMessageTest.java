package io.veltrix.processor.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.processor.ProcessorStackTest;
import io.veltrix.schemas.Topics;
import io.veltrix.testing.RealStackResource;
import io.veltrix.testing.TopicProbe;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;

/**
 * A message that can never be decoded is redelivered a bounded number of times with backoff, then ends on
 * events.raw-DLQ; the messages behind it, the same player's included, are counted meanwhile.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class PoisonMessageTest extends ProcessorStackTest {


    @Test
    void poisonEndsOnTheDeadLetterTopicAndTheEventsBehindItAreCounted() {
        String suffix = UUID.randomUUID().toString();
        String player = "p-poison-" + suffix;
        byte[] garbage = new byte[64];
        ThreadLocalRandom.current().nextBytes(garbage);
        garbage[0] = 42; // not Apicurio's magic byte
        byte[] unknownSchema = ByteBuffer.allocate(16).put((byte) 0).putInt(0x7FFF_FFF0).putLong(7).array();

        Instant published = Instant.now();
        raw.publishBytes(player, "poison-garbage-" + suffix, garbage);
        raw.publishBytes(player, "poison-unknown-schema-" + suffix, unknownSchema);
        Instant now = Instant.now();
        raw.publish(raw.treasureClaimed("after-poison-1-" + suffix, player, now, 3),
                raw.treasureClaimed("after-poison-2-" + suffix, player, now.plusMillis(1), 4));

        // not stalled by the poison's redeliveries (they take 1 + 2 + 4 + 8 s)
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                db.number("select count(*) from processing.processed_event where player_id = ?", player) == 2);

        Map<String, byte[]> poison = Map.of("poison-garbage-" + suffix, garbage, "poison-unknown-schema-" + suffix, unknownSchema);
        for (Map.Entry<String, byte[]> sent : poison.entrySet()) {
            Message<byte[]> dead = TopicProbe.awaitOne(stack, published, Topics.RAW_DLQ,
                    TopicProbe.property(Topics.PROP_EVENT_ID, sent.getKey()), Duration.ofSeconds(90));
            assertArrayEquals(sent.getValue(), dead.getValue());
            assertEquals(player, dead.getKey());
            // three redeliveries with backoff (1 s, 2 s, 4 s) happened before it was dead-lettered
            long waited = dead.getPublishTime() - published.toEpochMilli();
            assertTrue(waited >= 7_000, "dead-lettered after " + waited + " ms");
        }
    }
}
