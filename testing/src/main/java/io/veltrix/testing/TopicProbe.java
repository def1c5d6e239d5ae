package io.veltrix.testing;

import io.veltrix.stack.StackInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * Reads what is on a topic of the test stack, from the earliest message, without a subscription (a
 * Reader), so probing never takes messages away from the services under test.
 */
public final class TopicProbe implements AutoCloseable {

    private final PulsarClient client;

    private TopicProbe(PulsarClient client) {
        this.client = client;
    }

    public static TopicProbe open(StackInfo stack) {
        try {
            return new TopicProbe(PulsarClient.builder().serviceUrl(stack.pulsarServiceUrl()).build());
        } catch (PulsarClientException e) {
            throw new IllegalStateException("cannot connect to Pulsar at " + stack.pulsarServiceUrl(), e);
        }
    }

    /** Waits until {@code count} messages matching {@code match} are on the topic and returns them. */
    public List<Message<byte[]>> await(String topic, Predicate<Message<byte[]>> match, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Message<byte[]>> found = new ArrayList<>();
        try (Reader<byte[]> reader = client.newReader(Schema.BYTES).topic(topic)
                .startMessageId(MessageId.earliest).create()) {
            while (found.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " matching messages on " + topic + " within "
                            + timeout + ", found " + found.size());
                }
                Message<byte[]> message = reader.readNext((int) Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 1000),
                        TimeUnit.MILLISECONDS);
                if (message != null && match.test(message)) {
                    found.add(message);
                }
            }
            return found;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + topic, e);
        }
    }

    /** The single message matching {@code match}, waiting for it. */
    public Message<byte[]> awaitOne(String topic, Predicate<Message<byte[]>> match, Duration timeout) {
        return await(topic, match, 1, timeout).get(0);
    }

    /** Every message on the topic matching {@code match} now (reads up to the last message). */
    public List<Message<byte[]>> readAll(String topic, Predicate<Message<byte[]>> match) {
        List<Message<byte[]>> found = new ArrayList<>();
        try (Reader<byte[]> reader = client.newReader(Schema.BYTES).topic(topic)
                .startMessageId(MessageId.earliest).create()) {
            while (reader.hasMessageAvailable()) {
                Message<byte[]> message = reader.readNext(5, TimeUnit.SECONDS);
                if (message == null) {
                    break;
                }
                if (match.test(message)) {
                    found.add(message);
                }
            }
            return found;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + topic, e);
        }
    }

    /** A predicate on a message property, e.g. {@code property("event_id", id)}. */
    public static Predicate<Message<byte[]>> property(String name, String value) {
        return message -> value.equals(message.getProperty(name));
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (PulsarClientException e) {
            // closing a test client: nothing left to do
        }
    }
}
