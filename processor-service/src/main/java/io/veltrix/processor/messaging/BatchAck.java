package io.veltrix.processor.messaging;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.pulsar.PulsarAckHandler;
import io.smallrye.reactive.messaging.pulsar.PulsarConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.pulsar.PulsarIncomingMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.MessageId;

/**
 * The {@code ack} strategy, plus acknowledgement of many messages in one call. The connector acknowledges one
 * message at a time, each through a chain of Mutiny operators with context propagation; a batch of 1,000 events
 * then costs more CPU to acknowledge than to count. The factory keeps the channel's Pulsar consumer, so that
 * {@link #ackAll} hands a whole list of ids to {@code Consumer.acknowledgeAsync(List)} (grouped on the wire by the
 * client's acknowledgement tracker, as single acknowledgements are).
 */
public class BatchAck implements PulsarAckHandler {

    public static final String STRATEGY_NAME = "veltrix-batch-ack";

    private final Consumer<?> consumer;

    BatchAck(Consumer<?> consumer) {
        this.consumer = consumer;
    }

    @Override
    public Uni<Void> handle(PulsarIncomingMessage<?> message) {
        return Uni.createFrom().completionStage(() -> consumer.acknowledgeAsync(message.getMessageId()))
                .emitOn(message::runOnMessageContext);
    }

    @ApplicationScoped
    @Identifier(STRATEGY_NAME)
    public static class Factory implements PulsarAckHandler.Factory {

        private final List<Consumer<?>> consumers = new CopyOnWriteArrayList<>();

        @Override
        public PulsarAckHandler create(Consumer<?> consumer, PulsarConnectorIncomingConfiguration config) {
            consumers.add(consumer);
            return new BatchAck(consumer);
        }

        /**
         * Acknowledges the messages in one call when the channel has one consumer (the default); with several (the
         * channel's {@code concurrency}), each message through its own consumer's handler.
         */
        public Uni<Void> ackAll(List<PulsarIncomingMessage<byte[]>> messages) {
            if (messages.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            if (consumers.size() == 1) {
                List<MessageId> ids = new ArrayList<>(messages.size());
                for (PulsarIncomingMessage<byte[]> message : messages) {
                    ids.add(message.getMessageId());
                }
                Consumer<?> consumer = consumers.get(0);
                return Uni.createFrom().completionStage(() -> consumer.acknowledgeAsync(ids));
            }
            List<Uni<Void>> acks = new ArrayList<>(messages.size());
            for (PulsarIncomingMessage<byte[]> message : messages) {
                acks.add(Uni.createFrom().completionStage(message::ack));
            }
            return Uni.join().all(acks).andCollectFailures().replaceWithVoid();
        }
    }
}
