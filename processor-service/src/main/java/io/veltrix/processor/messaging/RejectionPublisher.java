package io.veltrix.processor.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.pulsar.PulsarOutgoingMessageMetadata;
import io.veltrix.processor.mapping.RejectionRecords;
import io.veltrix.processor.service.Rejection;
import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.codec.RegisteredSchema;
import io.veltrix.schemas.codec.RegistryCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes the processor's rejections to {@code events.rejected} as {@code io.veltrix.pipeline.RejectedEvent}
 * (Apicurio-framed, like every Veltrix topic). The returned {@link Uni} completes when the broker acknowledged
 * the rejection: only then may the refused message be acknowledged on events.raw.
 */
@ApplicationScoped
public class RejectionPublisher {

    static final String REJECTED_EVENT = "RejectedEvent";
    /** How long the latest RejectedEvent schema is used before the registry is asked again. */
    private static final Duration SCHEMA_REFRESH = Duration.ofMinutes(5);

    @Inject
    @Channel(Channels.EVENTS_REJECTED)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16_384)
    MutinyEmitter<byte[]> rejected;

    private final RegistryCodec codec;
    private volatile RegisteredSchema schema;
    private volatile Instant schemaReadAt = Instant.EPOCH;

    public RejectionPublisher(RegistryCodec codec) {
        this.codec = codec;
    }

    /**
     * Encodes the rejection. Blocking: may read the RejectedEvent schema from the registry.
     *
     * @throws CodecException       when the registry cannot be reached (transient)
     * @throws IllegalStateException when RejectedEvent is not registered (a deployment problem; retried too)
     */
    public Message<byte[]> encode(Rejection rejection) {
        Instant now = Instant.now();
        RegisteredSchema current = schema(now);
        byte[] payload = codec.encode(current, RejectionRecords.build(current, rejection, now));
        Map<String, String> properties = new HashMap<>();
        properties.put("reason", rejection.violation().reason());
        properties.put("stage", "processor");
        putIfPresent(properties, Topics.PROP_SOURCE_ID, rejection.event().sourceId());
        putIfPresent(properties, Topics.PROP_EVENT_TYPE, rejection.event().eventType());
        putIfPresent(properties, Topics.PROP_EVENT_ID, rejection.event().eventId());
        String key = rejection.event().playerId() != null ? rejection.event().playerId() : rejection.event().eventId();
        PulsarOutgoingMessageMetadata.PulsarOutgoingMessageMetadataBuilder metadata =
                PulsarOutgoingMessageMetadata.builder().withProperties(properties);
        if (key != null) {
            metadata.withKey(key);
        }
        return Message.of(payload).addMetadata(metadata.build());
    }

    /** Sends; the {@link Uni} (lazy) completes when Pulsar acknowledged. */
    public Uni<Void> send(Message<byte[]> message) {
        return rejected.sendMessage(message);
    }

    private RegisteredSchema schema(Instant now) {
        RegisteredSchema known = schema;
        if (known == null || schemaReadAt.isBefore(now.minus(SCHEMA_REFRESH))) {
            known = codec.latest(EventCatalog.PIPELINE_GROUP, REJECTED_EVENT).orElseThrow(() -> new IllegalStateException(
                    EventCatalog.PIPELINE_GROUP + "/" + REJECTED_EVENT + " is not registered: run the schema registration"));
            schema = known;
            schemaReadAt = now;
        }
        return known;
    }

    private static void putIfPresent(Map<String, String> properties, String name, String value) {
        if (value != null) {
            properties.put(name, value);
        }
    }
}
