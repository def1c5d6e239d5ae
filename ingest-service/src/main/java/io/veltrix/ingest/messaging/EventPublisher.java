package io.veltrix.ingest.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.pulsar.PulsarOutgoingMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes to Pulsar. Each returned {@link Uni} completes only when the broker acknowledged the message
 * (persisted it), or fails: ingest reports an event accepted only after that.
 */
@ApplicationScoped
public class EventPublisher {

    /** Room for the largest batch on top of what is already waiting; the in-flight limit keeps us below it. */
    static final int BUFFER = 65_536;

    @Inject
    @Channel(Channels.EVENTS_RAW)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
    MutinyEmitter<byte[]> raw;

    @Inject
    @Channel(Channels.EVENTS_REJECTED)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
    MutinyEmitter<byte[]> rejected;

    @Inject
    @Channel(Channels.REPLAYS)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
    MutinyEmitter<byte[]> replays;

    /** An accepted event to {@code events.raw}, keyed by player so each player's events stay in order. */
    public Uni<Void> accepted(String playerId, byte[] payload, Map<String, String> properties) {
        return raw.sendMessage(message(playerId, payload, properties));
    }

    /** A refused event, with why, to {@code events.rejected}. */
    public Uni<Void> rejected(String key, byte[] payload, Map<String, String> properties) {
        return rejected.sendMessage(message(key, payload, properties));
    }

    /** What a replay did with one rejected event, to {@code events.replays}, keyed by its first rejection's id. */
    public Uni<Void> replayed(String rejectionId, byte[] payload, Map<String, String> properties) {
        return replays.sendMessage(message(rejectionId, payload, properties));
    }

    private static Message<byte[]> message(String key, byte[] payload, Map<String, String> properties) {
        return Message.of(payload).addMetadata(PulsarOutgoingMessageMetadata.builder()
                .withKey(key)
                .withProperties(properties)
                .build());
    }
}
