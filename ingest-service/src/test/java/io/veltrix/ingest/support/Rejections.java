package io.veltrix.ingest.support;

import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.testing.RealStackResource;
import io.veltrix.testing.TopicProbe;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.avro.generic.GenericRecord;
import org.apache.pulsar.client.api.Message;

/** Reads what ingest kept on events.rejected in the test stack, decoded. */
public final class Rejections {

    /** A rejection as found on the topic: the message (key, properties) and its decoded record. */
    public record Found(Message<byte[]> message, GenericRecord record) {

        public String field(String name) {
            Object value = record.get(name);
            return value == null ? null : value.toString();
        }

        /** The payload field: what the client sent, verbatim. */
        public byte[] payload() {
            ByteBuffer buffer = ((ByteBuffer) record.get("payload")).duplicate();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        }

        public String payloadText() {
            return new String(payload(), StandardCharsets.UTF_8);
        }
    }

    private Rejections() {
    }

    /** The rejections of the event with this id (its messageId), waiting until {@code count} are there. */
    public static List<Found> ofEvent(RegistryCodec codec, String eventId, int count) {
        return await(codec, TopicProbe.property(Topics.PROP_EVENT_ID, eventId), count);
    }

    /** The one rejection of the event with this id. */
    public static Found ofEvent(RegistryCodec codec, String eventId) {
        return ofEvent(codec, eventId, 1).get(0);
    }

    /** The rejection whose kept payload contains {@code marker} (an ASCII string unique to the test). */
    public static Found withMarker(RegistryCodec codec, String marker) {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        return await(codec, m -> contains(m.getValue(), needle), 1).get(0);
    }

    /** Every message on a topic matching {@code match} now (reads the topic to its end). */
    public static List<Message<byte[]>> all(String topic, Predicate<Message<byte[]>> match) {
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            return probe.readAll(topic, match);
        }
    }

    private static List<Found> await(RegistryCodec codec, Predicate<Message<byte[]>> match, int count) {
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            return probe.await(Topics.REJECTED, match, count, Duration.ofSeconds(30)).stream()
                    .map(m -> new Found(m, codec.decode(m.getValue()).record()))
                    .toList();
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
