package io.veltrix.processor.messaging;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.pulsar.PulsarBatchMessage;
import io.smallrye.reactive.messaging.pulsar.PulsarIncomingMessage;
import io.smallrye.reactive.messaging.pulsar.PulsarMessage;
import io.veltrix.processor.Delivery;
import io.veltrix.processor.config.ProcessorConfig;
import io.veltrix.processor.service.BatchPipeline;
import io.veltrix.schemas.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The {@code events.raw} channel (Key_Shared, batch receive): hands each batch to the {@link BatchPipeline} as
 * {@link Delivery deliveries} and takes the next one when the pipeline has room. The logic lives in the pipeline,
 * which knows nothing of Pulsar.
 *
 * <p>On shutdown the pipeline stops taking batches; the ones in progress get {@code veltrix.processor.shutdown.grace}
 * to commit and be acknowledged. What is not acknowledged by then is redelivered, and counted once, by whichever
 * consumer gets it.
 */
@ApplicationScoped
public class RawEventsChannel {

    private final BatchPipeline pipeline;
    private final BatchAck.Factory acks;
    private final Duration shutdownGrace;

    public RawEventsChannel(BatchPipeline pipeline, @Identifier(BatchAck.STRATEGY_NAME) BatchAck.Factory acks,
                            ProcessorConfig config, MeterRegistry registry) {
        this.pipeline = pipeline;
        this.acks = acks;
        this.shutdownGrace = config.shutdown().grace();
        Gauge.builder("veltrix.processor.batches.in_flight", pipeline, BatchPipeline::inFlight)
                .description("Batches of events.raw in progress (decoding, waiting for a dependency, committing)")
                .register(registry);
    }

    @Incoming(Channels.EVENTS_RAW)
    public Uni<Void> consume(Message<List<byte[]>> batch) {
        if (!(batch instanceof PulsarBatchMessage<?> messages)) {
            throw new IllegalStateException("events-raw must be consumed in batch mode (batchReceive=true)");
        }
        List<Delivery> deliveries = new ArrayList<>(messages.getMessages().size());
        for (PulsarMessage<?> message : messages) {
            @SuppressWarnings("unchecked")
            PulsarIncomingMessage<byte[]> incoming = (PulsarIncomingMessage<byte[]>) message;
            deliveries.add(new PulsarDelivery(incoming));
        }
        return pipeline.submit(deliveries, this::ack);
    }

    private Uni<Void> ack(List<Delivery> done) {
        List<PulsarIncomingMessage<byte[]>> messages = new ArrayList<>(done.size());
        for (Delivery delivery : done) {
            messages.add(((PulsarDelivery) delivery).message);
        }
        return acks.ackAll(messages);
    }

    /**
     * Graceful shutdown: runs before the connector closes its consumer (it closes when the application scope is
     * destroyed, after the ShutdownEvent observers).
     */
    void drain(@Observes ShutdownEvent event) {
        pipeline.stop();
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        while (pipeline.inFlight() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        int left = pipeline.inFlight();
        if (left == 0) {
            Log.info("events-raw: stopped consuming; every batch in progress was settled");
        } else {
            Log.warnf("events-raw: stopped consuming; %d batch(es) unfinished after %s (waiting for a dependency or still "
                    + "committing): their messages stay unacknowledged and are redelivered", left, shutdownGrace);
        }
    }

    /** One message of a batch, as the pipeline sees it. */
    private static final class PulsarDelivery implements Delivery {
        private final PulsarIncomingMessage<byte[]> message;

        PulsarDelivery(PulsarIncomingMessage<byte[]> message) {
            this.message = message;
        }

        @Override
        public byte[] payload() {
            return message.getPayload();
        }

        @Override
        public long publishTime() {
            return message.unwrap().getPublishTime();
        }

        @Override
        public int redeliveryCount() {
            return message.unwrap().getRedeliveryCount();
        }

        @Override
        public String schemaVersion() {
            return message.unwrap().getProperty(Topics.PROP_SCHEMA_VERSION);
        }

        @Override
        public String messageId() {
            return String.valueOf(message.getMessageId());
        }

        @Override
        public Uni<Void> nack(Throwable reason) {
            return Uni.createFrom().completionStage(() -> message.nack(reason));
        }
    }
}
