package io.veltrix.processor.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.pulsar.PulsarOutgoingMessageMetadata;
import io.veltrix.processor.EventFacts;
import io.veltrix.processor.Delivery;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.codec.RegisteredSchema;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.schemas.rejection.RejectedEvents;
import io.veltrix.schemas.rejection.Rejection;
import io.veltrix.schemas.rules.RuleViolation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes the processor's rejections to {@code events.rejected} ({@link RejectedEvents}, stage {@code processor},
 * payload = the message exactly as read from events.raw). {@link #send} completes when the broker acknowledged the
 * rejection: only then may the refused message be acknowledged on events.raw.
 */
@ApplicationScoped
public class RejectionPublisher {

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
     * The rejection of an event, ready to send. Blocking: may read the RejectedEvent schema from the registry.
     *
     * @throws CodecException        when the registry cannot be reached (transient)
     * @throws IllegalStateException when RejectedEvent is not registered (a deployment problem; retried too)
     */
    public Message<byte[]> encode(EventFacts event, RuleViolation violation, Delivery raw) {
        Instant now = Instant.now();
        RegisteredSchema current = schema(now);
        Rejection rejection = new Rejection(rejectionId(event, violation.reason()), Rejection.Stage.PROCESSOR,
                violation.reason(), violation.path(), violation.message(), event.eventType(), event.eventId(),
                event.playerId(), event.sourceId(), event.origin().writeKeyId(), event.origin().libraryName(),
                event.origin().libraryVersion(), raw.schemaVersion(),
                event.receivedAt() != null ? event.receivedAt() : now, now, Rejection.PayloadFormat.AVRO, raw.payload());
        byte[] payload = codec.encode(current, RejectedEvents.toRecord(current.schema(), rejection));
        PulsarOutgoingMessageMetadata.PulsarOutgoingMessageMetadataBuilder metadata = PulsarOutgoingMessageMetadata.builder()
                .withProperties(RejectedEvents.properties(rejection, Map.of()));
        if (rejection.key() != null) {
            metadata.withKey(rejection.key());
        }
        return Message.of(payload).addMetadata(metadata.build());
    }

    /** Sends; the {@link Uni} (lazy) completes when Pulsar acknowledged. */
    public Uni<Void> send(Message<byte[]> message) {
        return rejected.sendMessage(message);
    }

    /**
     * The same event refused for the same reason gets the same id: a rejection published again (the batch was
     * redelivered after a crash) is recognizable as the same one.
     */
    public static String rejectionId(EventFacts event, String reason) {
        String name = "processor\u0000" + event.sourceId() + '\u0000' + event.eventId() + '\u0000' + reason;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private RegisteredSchema schema(Instant now) {
        RegisteredSchema known = schema;
        if (known == null || schemaReadAt.isBefore(now.minus(SCHEMA_REFRESH))) {
            known = codec.latest(RejectedEvents.GROUP, RejectedEvents.ARTIFACT).orElseThrow(() -> new IllegalStateException(
                    RejectedEvents.GROUP + "/" + RejectedEvents.ARTIFACT + " is not registered: run the schema registration"));
            schema = known;
            schemaReadAt = now;
        }
        return known;
    }
}
