package io.veltrix.systemtests.ingest;

import io.veltrix.stack.StackInfo;
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
 * Reads what was published on a topic since a moment (a minute of margin included), with a Reader: no subscription,
 * nothing taken from the services, and a cost that does not grow with what other tests and benchmarks published on
 * the shared broker before.
 */
final class RecentMessages implements AutoCloseable {

    private final PulsarClient client;
    private final Instant since;

    private RecentMessages(PulsarClient client, Instant since) {
        this.client = client;
        this.since = since.minus(Duration.ofMinutes(1));
    }

    static RecentMessages open(StackInfo stack, Instant since) {
        try {
            return new RecentMessages(PulsarClient.builder().serviceUrl(stack.pulsarServiceUrl()).build(), since);
        } catch (PulsarClientException e) {
            throw new IllegalStateException("cannot connect to Pulsar at " + stack.pulsarServiceUrl(), e);
        }
    }

    /** Waits until {@code count} messages match, and returns them in topic order. */
    List<Message<byte[]>> await(String topic, Predicate<Message<byte[]>> match, int count, Duration timeout) {
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

    /** Every matching message, up to the end of the topic now. */
    List<Message<byte[]>> readAll(String topic, Predicate<Message<byte[]>> match) {
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
        long rollback = Math.max(1, Duration.between(since, Instant.now()).toMillis());
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
