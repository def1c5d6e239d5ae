package io.veltrix.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
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
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.ReaderBuilder;
import org.apache.pulsar.client.api.Schema;

/**
 * Reads what is on a topic of the test stack with a Reader, without a subscription, so probing never takes
 * messages away from the services under test. {@link #since} reads from a moment on (with a minute of margin for
 * clock differences): the shared test topics grow with every test and benchmark, and reading them from the
 * earliest message gets slow; {@link #open} reads everything.
 */
public final class TopicProbe implements AutoCloseable {

    private static final Duration MARGIN = Duration.ofMinutes(1);
    /** When this test JVM started probing: every test of it looks no further back (a test class runs in far less). */
    private static final Instant TEST_JVM_START = Instant.now();

    private final PulsarClient client;
    private final Instant since;

    private TopicProbe(PulsarClient client, Instant since) {
        this.client = client;
        this.since = since;
    }

    /** Reads from the earliest message. */
    public static TopicProbe open(StackInfo stack) {
        return new TopicProbe(client(stack), null);
    }

    /** Reads what was published from {@code since} (minus a minute) on. */
    public static TopicProbe since(StackInfo stack, Instant since) {
        return new TopicProbe(client(stack), since.minus(MARGIN));
    }

    /** Reads what was published since this test JVM started (minus a minute). */
    public static TopicProbe sinceTestStart(StackInfo stack) {
        return since(stack, TEST_JVM_START);
    }

    /** Waits until {@code count} messages matching {@code match} are on the topic and returns them, in topic order. */
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

    /**
     * The single message matching {@code match}, waiting for it; fails when the topic holds more than one (exactly one
     * rejection, exactly one dead letter, exactly one copy).
     */
    public Message<byte[]> awaitOne(String topic, Predicate<Message<byte[]>> match, Duration timeout) {
        Message<byte[]> found = await(topic, match, 1, timeout).get(0);
        List<Message<byte[]>> all = readAll(topic, match);
        if (all.size() != 1) {
            throw new AssertionError("expected exactly one matching message on " + topic + ", found " + all.size());
        }
        return found;
    }

    /** Every message on the topic matching {@code match} now (reads up to the last message). */
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

    /** The single message matching {@code match} published from {@code since} (minus a minute) on, waiting for it. */
    public static Message<byte[]> awaitOne(StackInfo stack, Instant since, String topic, Predicate<Message<byte[]>> match,
                                           Duration timeout) {
        try (TopicProbe probe = since(stack, since)) {
            return probe.awaitOne(topic, match, timeout);
        }
    }

    /**
     * Messages of {@code topic} not yet acknowledged on {@code subscription}, from the broker's admin API (-1 when the
     * topic or the subscription does not exist).
     */
    public static long backlog(StackInfo stack, String topic, String subscription) {
        JsonNode sub = subscriptionStats(stack, topic, subscription);
        return sub.isMissingNode() ? -1 : sub.path("msgBacklog").asLong();
    }

    /**
     * The broker's statistics of one subscription (backlog, unacknowledged messages per consumer, blocked consumers):
     * a missing node when the topic or the subscription is unknown. For diagnostics when a wait times out.
     */
    public static JsonNode subscriptionStats(StackInfo stack, String topic, String subscription) {
        String path = topic.replaceFirst("^persistent://", "persistent/");
        try {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.pulsarAdminUrl() + "/admin/v2/" + path + "/stats"))
                            .header("Authorization", "Bearer " + stack.pulsarTokens().admin())
                            .timeout(Duration.ofSeconds(10)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return MissingNode.getInstance();
            }
            return new ObjectMapper().readTree(response.body()).path("subscriptions").path(subscription);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the stats of " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A predicate on a message property, e.g. {@code property("event_id", id)}. */
    public static Predicate<Message<byte[]>> property(String name, String value) {
        return message -> value.equals(message.getProperty(name));
    }

    private Reader<byte[]> reader(String topic) throws PulsarClientException {
        ReaderBuilder<byte[]> reader = client.newReader(Schema.BYTES).topic(topic).receiverQueueSize(2000);
        if (since == null) {
            return reader.startMessageId(MessageId.earliest).create();
        }
        long rollback = Math.max(1, Duration.between(since, Instant.now()).toMillis());
        return reader.startMessageFromRollbackDuration(rollback, TimeUnit.MILLISECONDS).create();
    }

    /** As the superuser: a probe looks at any topic, as an operator would. */
    private static PulsarClient client(StackInfo stack) {
        return PulsarClients.operator(stack);
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
