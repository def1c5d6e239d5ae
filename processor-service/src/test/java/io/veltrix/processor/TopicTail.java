package io.veltrix.processor;

import io.veltrix.stack.StackInfo;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * Reads a topic from a point in time on, without a subscription: the shared test topics grow with every test
 * run (benchmarks fill them with millions), so reading them from the earliest message is too slow.
 */
public final class TopicTail {

    private TopicTail() {
    }

    /** Waits for {@code count} messages matching {@code match} published at or after {@code since}. */
    public static List<Message<byte[]>> await(StackInfo stack, String topic, Instant since, Predicate<Message<byte[]>> match,
                                              int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Message<byte[]>> found = new ArrayList<>();
        try (PulsarClient client = PulsarClient.builder().serviceUrl(stack.pulsarServiceUrl()).build();
             Reader<byte[]> reader = client.newReader(Schema.BYTES).topic(topic).startMessageId(MessageId.earliest).create()) {
            reader.seek(since.toEpochMilli());
            while (found.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " matching messages on " + topic + " since " + since
                            + " within " + timeout + ", found " + found.size());
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

    public static Message<byte[]> awaitOne(StackInfo stack, String topic, Instant since, Predicate<Message<byte[]>> match,
                                           Duration timeout) {
        return await(stack, topic, since, match, 1, timeout).get(0);
    }
}
