package io.veltrix.ingest.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.pulsar.PulsarClientService;
import io.smallrye.reactive.messaging.pulsar.PulsarOutgoingMessageMetadata;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.schemas.Topics;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes to Pulsar. Every send completes only when the broker acknowledged the message (persisted it), or fails:
 * ingest reports an event accepted only after that.
 *
 * <p>Accepted events go through a producer of the Pulsar client itself ({@link #accepted}), created from the
 * connector's client for the {@code events-raw} channel and configured by that channel's keys (its topic): the
 * reactive-messaging emitter cost a Mutiny {@code Uni}, a message wrapper, context capture and restore per event,
 * about a sixth of ingest's CPU in the benchmark profile, for nothing a request of 100 events needs. The channel stays
 * declared (its emitter is injected here and not used for sending) so that its configuration keys keep their meaning
 * and the connector's readiness check still covers the broker connection. Rejections and replay markers are few and
 * keep the emitters.
 */
@Singleton
public class EventPublisher {

    /** Room for the largest batch on top of what is already waiting; the in-flight limit keeps us below it. */
    static final int BUFFER = 65_536;

    @Inject
    @Channel(Channels.EVENTS_RAW)
    MutinyEmitter<byte[]> rawChannel;

    @Inject
    @Channel(Channels.EVENTS_REJECTED)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
    MutinyEmitter<byte[]> rejected;

    @Inject
    @Channel(Channels.REPLAYS)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
    MutinyEmitter<byte[]> replays;

    @Inject
    PulsarClientService clients;

    @Inject
    IngestConfig config;

    @ConfigProperty(name = "mp.messaging.outgoing.events-raw.topic", defaultValue = Topics.RAW)
    String rawTopic;

    private volatile Producer<byte[]> raw;

    /**
     * An accepted event to {@code events.raw}, keyed by player so each player's events stay in order; the future
     * completes when Pulsar acknowledged it, on a Pulsar I/O thread.
     */
    public CompletableFuture<MessageId> accepted(String playerId, byte[] payload, String eventType, String eventId,
                                                 String sourceId, String schemaVersion, Map<String, String> extra) {
        var message = raw().newMessage().key(playerId).value(payload)
                .orderingKey(orderingKey(playerId))
                .property(Topics.PROP_EVENT_TYPE, eventType)
                .property(Topics.PROP_EVENT_ID, eventId)
                .property(Topics.PROP_SOURCE_ID, sourceId)
                .property(Topics.PROP_SCHEMA_VERSION, schemaVersion);
        if (!extra.isEmpty()) {
            message.properties(extra);
        }
        return message.sendAsync();
    }

    /** The bucket of players an event is ordered, batched and dispatched by ({@link IngestConfig#orderingBuckets()}). */
    byte[] orderingKey(String playerId) {
        int buckets = config.orderingBuckets();
        return buckets <= 0 ? playerId.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : BUCKET_KEYS.computeIfAbsent(Math.floorMod(playerId.hashCode(), buckets), OrderingKeys::of);
    }

    private static final java.util.concurrent.ConcurrentHashMap<Integer, byte[]> BUCKET_KEYS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The ordering key of a bucket: its number as text ({@code "7"}), shared by every producer of events.raw. */
    static final class OrderingKeys {
        static byte[] of(int bucket) {
            return Integer.toString(bucket).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    /** A refused event, with why, to {@code events.rejected}. */
    public Uni<Void> rejected(String key, byte[] payload, Map<String, String> properties) {
        return rejected.sendMessage(message(key, payload, properties));
    }

    /** What a replay did with one rejected event, to {@code events.replays}, keyed by its first rejection's id. */
    public Uni<Void> replayed(String rejectionId, byte[] payload, Map<String, String> properties) {
        return replays.sendMessage(message(rejectionId, payload, properties));
    }

    /** Whether the events.raw producer is connected to the broker (readiness). */
    public boolean rawConnected() {
        Producer<byte[]> producer = raw;
        return producer == null || producer.isConnected();
    }

    private Producer<byte[]> raw() {
        Producer<byte[]> producer = raw;
        if (producer == null) {
            synchronized (this) {
                if (raw == null) {
                    raw = createRaw();
                }
                producer = raw;
            }
        }
        return producer;
    }

    private Producer<byte[]> createRaw() {
        try {
            // the settings of ProducerConfigurations' events-raw producer: unique name, batches grouped by key (the
            // processor's subscription is Key_Shared), the send timeout as the only publish deadline
            var builder = clients.getClient(Channels.EVENTS_RAW).newProducer(Schema.BYTES)
                    .topic(rawTopic)
                    .producerName("ingest-raw-" + UUID.randomUUID())
                    .sendTimeout((int) config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .blockIfQueueFull(false);
            if (config.rawBatching()) {
                builder.enableBatching(true)
                        .batcherBuilder(BatcherBuilder.KEY_BASED)
                        .batchingMaxPublishDelay(config.rawBatchingDelay().toNanos() / 1000, TimeUnit.MICROSECONDS);
            } else {
                builder.enableBatching(false);
            }
            return builder.create();
        } catch (PulsarClientException e) {
            throw new IllegalStateException("cannot create the events.raw producer: " + e.getMessage(), e);
        }
    }

    void close(@Observes ShutdownEvent event) {
        Producer<byte[]> producer = raw;
        if (producer != null) {
            try {
                producer.flush();
                producer.close();
            } catch (PulsarClientException e) {
                // shutting down: what was not acknowledged was answered not_persisted
            }
        }
    }

    private static Message<byte[]> message(String key, byte[] payload, Map<String, String> properties) {
        return Message.of(payload).addMetadata(PulsarOutgoingMessageMetadata.builder()
                .withKey(key)
                .withProperties(properties)
                .build());
    }
}
