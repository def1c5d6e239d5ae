package io.veltrix.processor.messaging;

import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.pulsar.PulsarConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.pulsar.PulsarFailureHandler;
import io.smallrye.reactive.messaging.pulsar.PulsarIncomingMessage;
import io.veltrix.processor.service.ProcessorMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.BiConsumer;
import org.apache.pulsar.client.api.Consumer;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * The {@code nack} failure strategy without its WARN line per message, and with a growing backoff: negatively
 * acknowledges the message so that Pulsar redelivers it with the configured backoff and, after {@code deadLetterPolicy.maxRedeliverCount}
 * redeliveries, moves it to the dead-letter topic. The consumer reports problems itself, summarized per
 * class ({@code ProblemLog}); this handler counts the messages it dead-letters.
 */
public class QuietNack implements PulsarFailureHandler {

    public static final String STRATEGY_NAME = "veltrix-quiet-nack";

    private final Consumer<?> consumer;
    private final int maxRedeliverCount;
    private final ProcessorMetrics metrics;

    QuietNack(Consumer<?> consumer, int maxRedeliverCount, ProcessorMetrics metrics) {
        this.consumer = consumer;
        this.maxRedeliverCount = maxRedeliverCount;
        this.metrics = metrics;
    }

    @ApplicationScoped
    @Identifier(STRATEGY_NAME)
    public static class Factory implements PulsarFailureHandler.Factory {

        private final ProcessorMetrics metrics;

        public Factory(ProcessorMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public PulsarFailureHandler create(Consumer<?> consumer, PulsarConnectorIncomingConfiguration config,
                                           BiConsumer<Throwable, Boolean> reportFailure) {
            return new QuietNack(consumer, config.getDeadLetterPolicyMaxRedeliverCount().orElse(-1), metrics);
        }
    }

    @Override
    public Uni<Void> handle(PulsarIncomingMessage<?> message, Throwable reason, Metadata metadata) {
        // by Message, not by id: only then does the client know the redelivery count the backoff grows with
        // (by id, every redelivery would wait the minimum delay)
        consumer.negativeAcknowledge(message.unwrap());
        if (maxRedeliverCount >= 0 && message.unwrap().getRedeliveryCount() >= maxRedeliverCount) {
            metrics.deadLettered();
        }
        Log.debugf("nacked %s (delivery %d): %s", message.getMessageId(), message.unwrap().getRedeliveryCount() + 1,
                reason == null ? "" : reason.getMessage());
        return Uni.createFrom().voidItem().emitOn(message::runOnMessageContext);
    }
}
