package io.veltrix.processor.service;

import io.smallrye.reactive.messaging.pulsar.PulsarClientService;
import io.veltrix.processor.messaging.Channels;
import io.veltrix.schemas.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Moves dead letters back to {@code events.raw} after a fix (a schema registered late, a bug fixed): each message
 * goes back with its key, its properties and its bytes unchanged, plus {@code redriven_from} (its id on the
 * dead-letter topic), and is acknowledged on the dead-letter topic only after {@code events.raw} acknowledged the
 * copy. Counting stays exactly-once whatever happens: a copy of an event already counted is a duplicate for the
 * processor's dedupe, and a crash between the copy and the acknowledgement only means the same message is moved
 * again. What is still poison goes through the bounded redeliveries again and back to the dead-letter topic.
 * Blocking; one re-drive at a time per instance.
 */
@ApplicationScoped
public class DeadLetterRedrive {

    /** What a re-drive did. */
    public record Outcome(int moved, boolean more) {
    }

    private final PulsarClientService clients;
    private final String subscription;
    private final AtomicBoolean running = new AtomicBoolean();

    public DeadLetterRedrive(PulsarClientService clients,
            @ConfigProperty(name = "mp.messaging.incoming.events-raw.deadLetterPolicy.initialSubscriptionName") String subscription) {
        this.clients = clients;
        this.subscription = subscription;
    }

    /**
     * Moves at most {@code limit} dead letters; {@code more} says whether some were left.
     *
     * @throws IllegalStateException when a re-drive is already running on this instance
     */
    public Outcome redrive(int limit) throws PulsarClientException {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("a re-drive is already running on this instance");
        }
        PulsarClient client = client();
        try (Consumer<byte[]> deadLetters = client.newConsumer(Schema.BYTES)
                .topic(Topics.RAW_DLQ)
                .subscriptionName(subscription)
                .subscriptionType(SubscriptionType.Shared)
                // the processors' client creates this subscription just before the first dead letter; should it
                // not exist yet, start from the beginning so no letter is skipped
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                .consumerName("processor-dlq-redrive")
                .subscribe();
             Producer<byte[]> raw = client.newProducer(Schema.BYTES)
                     .topic(Topics.RAW)
                     .enableBatching(false)
                     .create()) {
            int moved = 0;
            while (moved < limit) {
                Message<byte[]> letter = deadLetters.receive(2, TimeUnit.SECONDS);
                if (letter == null) {
                    return new Outcome(moved, false);
                }
                Map<String, String> properties = new HashMap<>(letter.getProperties());
                properties.put("redriven_from", letter.getMessageId().toString());
                var copy = raw.newMessage().value(letter.getValue()).properties(properties);
                if (letter.hasKey()) {
                    copy.key(letter.getKey());
                }
                if (letter.hasOrderingKey()) {
                    copy.orderingKey(letter.getOrderingKey());
                }
                copy.send();
                deadLetters.acknowledge(letter);
                moved++;
            }
            return new Outcome(moved, deadLetters.receive(1, TimeUnit.SECONDS) != null);
        } finally {
            running.set(false);
        }
    }

    /**
     * The connector's client of {@code events.raw}: with {@code concurrency} above 1 the connector knows the channel
     * only as its copies ({@code events-raw$1}, {@code events-raw$2}, ...), which share one client.
     */
    private PulsarClient client() {
        PulsarClient client = clients.getClient(Channels.EVENTS_RAW);
        if (client != null) {
            return client;
        }
        return clients.getConsumerChannels().stream()
                .filter(channel -> channel.startsWith(Channels.EVENTS_RAW + "$"))
                .map(clients::getClient)
                .filter(Objects::nonNull)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the connector has no client for " + Channels.EVENTS_RAW));
    }
}
