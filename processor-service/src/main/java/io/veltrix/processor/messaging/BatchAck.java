package io.veltrix.processor.messaging;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.pulsar.PulsarAckHandler;
import io.smallrye.reactive.messaging.pulsar.PulsarConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.pulsar.PulsarIncomingMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.MessageId;

/**
 * The {@code ack} strategy, plus acknowledgement of many messages in one call. The connector acknowledges one
 * message at a time, each through a chain of Mutiny operators with context propagation and a hop to the message's
 * context; a batch of 1,000 events then costs more CPU to acknowledge than to count. {@link Factory#ackAll} hands a
 * whole batch's ids to its consumer's {@code Consumer.acknowledgeAsync(List)} (grouped on the wire by the client's
 * acknowledgement tracker, as single acknowledgements are).
 *
 * <p>A channel with {@code concurrency} N has N consumers, and a message does not say which one delivered it; its
 * acknowledgement handler (this class, one per consumer) does. So {@code ackAll} leaves the batch's ids with the
 * factory under the batch's first message and acknowledges that message through the connector: its consumer's
 * handler takes the ids and acknowledges them all.
 */
public class BatchAck implements PulsarAckHandler {

    public static final String STRATEGY_NAME = "veltrix-batch-ack";

    private final Consumer<?> consumer;
    private final Map<PulsarIncomingMessage<?>, List<MessageId>> bulk;

    BatchAck(Consumer<?> consumer, Map<PulsarIncomingMessage<?>, List<MessageId>> bulk) {
        this.consumer = consumer;
        this.bulk = bulk;
    }

    @Override
    public Uni<Void> handle(PulsarIncomingMessage<?> message) {
        List<MessageId> batch = bulk.remove(message);
        if (batch != null) {
            return Uni.createFrom().completionStage(() -> consumer.acknowledgeAsync(batch));
        }
        return Uni.createFrom().completionStage(() -> consumer.acknowledgeAsync(message.getMessageId()))
                .emitOn(message::runOnMessageContext);
    }

    @ApplicationScoped
    @Identifier(STRATEGY_NAME)
    public static class Factory implements PulsarAckHandler.Factory {

        /** The ids of a batch to acknowledge, under its first message (by identity), until its handler takes them. */
        private final Map<PulsarIncomingMessage<?>, List<MessageId>> bulk = Collections.synchronizedMap(new IdentityHashMap<>());

        @Override
        public PulsarAckHandler create(Consumer<?> consumer, PulsarConnectorIncomingConfiguration config) {
            return new BatchAck(consumer, bulk);
        }

        /** Acknowledges messages that one consumer delivered (one batch of the channel, or part of it) in one call. */
        public Uni<Void> ackAll(List<PulsarIncomingMessage<byte[]>> messages) {
            if (messages.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            List<MessageId> ids = new ArrayList<>(messages.size());
            for (PulsarIncomingMessage<byte[]> message : messages) {
                ids.add(message.getMessageId());
            }
            PulsarIncomingMessage<byte[]> first = messages.get(0);
            bulk.put(first, ids);
            return Uni.createFrom().completionStage(first::ack).onTermination().invoke(() -> bulk.remove(first));
        }
    }
}
