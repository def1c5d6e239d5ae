package io.veltrix.processor.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.processor.ProcessorStackTest;
import io.veltrix.processor.TestExperiments;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.testing.RealStackResource;
import io.veltrix.testing.TopicProbe;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Valid events the processor refuses go to events.rejected (stage processor, the message verbatim, a reason)
 * and are acknowledged; nothing of them is counted.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class RejectionTest extends ProcessorStackTest {

    private static TestExperiments experiments;

    @Inject
    RegistryCodec codec;

    @BeforeAll
    static void migrateExperiments() {
        experiments = new TestExperiments(stack);
    }

    @Test
    void exposuresToUnknownExperimentsVariantsOrDraftsAreRejectedWithTheirReason() {
        String suffix = UUID.randomUUID().toString();
        String running = "rej-running-" + suffix;
        String draft = "rej-draft-" + suffix;
        experiments.create(running, "running", "control", "boost");
        experiments.create(draft, "draft", "control", "boost");
        String player = "p-" + suffix;
        Instant now = Instant.now();
        GenericRecord unknownExperiment = raw.exposure("rej-e1-" + suffix, player, now, "no-such-experiment-" + suffix, "control");
        GenericRecord unknownVariant = raw.exposure("rej-e2-" + suffix, player, now, running, "turbo");
        GenericRecord notStarted = raw.exposure("rej-e3-" + suffix, player, now, draft, "boost");
        GenericRecord fine = raw.exposure("rej-e4-" + suffix, player, now, running, "boost");
        Instant published = Instant.now().minusSeconds(1);
        List<byte[]> payloads = raw.publish(unknownExperiment, unknownVariant, notStarted, fine);

        assertRejected(published, "rej-e1-" + suffix, payloads.get(0), "unknown_experiment", "$.properties.experiment_key");
        assertRejected(published, "rej-e2-" + suffix, payloads.get(1), "unknown_variant", "$.properties.variant");
        assertRejected(published, "rej-e3-" + suffix, payloads.get(2), "experiment_not_started", "$.properties.experiment_key");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                db.number("select count(*) from processing.participant where experiment_key = ? and player_id = ?", running, player) == 1);
        assertEquals(1, db.number("select count(*) from processing.processed_event where player_id = ?", player),
                "only the valid exposure is counted");
        assertEquals(0, db.number("select count(*) from processing.participant where experiment_key = ?", draft));
    }

    @Test
    void anEventFarOlderThanItsArrivalIsRejected() {
        String id = "rej-old-" + UUID.randomUUID();
        String player = "p-" + id;
        Instant published = Instant.now().minusSeconds(1);
        byte[] payload = raw.publish(raw.treasureClaimed(id, player, Instant.now().minus(Duration.ofDays(45)), 10)).get(0);
        assertRejected(published, id, payload, "timestamp_too_old", "$.timestamp");
        assertEquals(0, db.number("select count(*) from processing.processed_event where player_id = ?", player));
    }

    private void assertRejected(Instant since, String eventId, byte[] sent, String reason, String path) {
        Message<byte[]> message = TopicProbe.awaitOne(stack, since, Topics.REJECTED,
                TopicProbe.property(Topics.PROP_EVENT_ID, eventId), Duration.ofSeconds(30));
        assertEquals(reason, message.getProperty("reason"));
        assertEquals("processor", message.getProperty("stage"));
        GenericRecord rejection = codec.decode(message.getValue()).record();
        assertEquals("io.veltrix.pipeline.RejectedEvent", rejection.getSchema().getFullName());
        assertEquals(reason, rejection.get("reason").toString());
        assertEquals(path, rejection.get("path").toString());
        assertEquals("avro", rejection.get("payload_format").toString());
        assertEquals(eventId, rejection.get("event_id").toString());
        assertTrue(rejection.get("message").toString().length() > 10, rejection.get("message").toString());
        // the payload is the message as read from events.raw, verbatim
        assertArrayEquals(sent, bytes((ByteBuffer) rejection.get("payload")));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
