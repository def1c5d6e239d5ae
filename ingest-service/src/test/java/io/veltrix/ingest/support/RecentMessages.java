package io.veltrix.ingest.support;

import io.veltrix.testing.RealStackResource;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * Reads what was published on a topic of the test stack since a moment (minus a minute of margin), with a Reader:
 * no subscription, nothing taken from the services. Unlike reading from the earliest message, the cost does not grow
 * with everything other tests and benchmarks published on the shared broker before.
 */
public final class RecentMessages implements AutoCloseable {

    /** Every test of this JVM looks no further back than this (a test class runs in far less). */
    public static final Instant SINCE = Instant.now().minus(Duration.ofMinutes(1));

    private final PulsarClient client;

    private RecentMessages(PulsarClient client) {
        this.client = client;
    }

    public static RecentMessages open() {
        String url = RealStackResource.TestStack.get().pulsarServiceUrl();
        try {
            return new RecentMessages(PulsarClient.builder().serviceUrl(url).build());
        } catch (PulsarClientException e) {
            throw new IllegalStateException("cannot connect to Pulsar at " + url, e);
        }
    }

    /** Waits until {@code count} messages published since {@link #SINCE} match, and returns them (in topic order). */
    public List<Message<byte[]>> await(String topic, Predicate<Message<byte[]>> match, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Message<byte[]>> found = new ArrayList<>();
        try (Reader<byte[]> reader = reader(topic)) {
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

    /** The first message published since {@link #SINCE} matching {@code match}, waiting for it. */
    public Message<byte[]> awaitOne(String topic, Predicate<Message<byte[]>> match, Duration timeout) {
        return await(topic, match, 1, timeout).get(0);
    }

    /** Every message published since {@link #SINCE} matching {@code match}, up to the end of the topic now. */
    public List<Message<byte[]>> readAll(String topic, Predicate<Message<byte[]>> match) {
        List<Message<byte[]>> found = new ArrayList<>();
        try (Reader<byte[]> reader = reader(topic)) {
            while (reader.hasMessageAvailable()) {
                Message<byte[]> message = reader.readNext(10, TimeUnit.SECONDS);
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

    private Reader<byte[]> reader(String topic) throws PulsarClientException {
        long rollback = Math.max(1, Duration.between(SINCE, Instant.now()).toMillis());
        return client.newReader(Schema.BYTES).topic(topic)
                .startMessageFromRollbackDuration(rollback, TimeUnit.MILLISECONDS)
                .receiverQueueSize(2000)
                .create();
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
