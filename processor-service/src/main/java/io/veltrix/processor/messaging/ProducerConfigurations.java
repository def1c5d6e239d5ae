package io.veltrix.processor.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.impl.conf.ProducerConfigurationData;

/** Producer settings that configuration keys cannot express (the batcher is an object). */
@ApplicationScoped
public class ProducerConfigurations {

    /** Batches grouped by key (player), like every producer of the pipeline, so Key_Shared readers stay possible. */
    @Produces
    @Identifier("events-rejected-producer")
    ProducerConfigurationData eventsRejected() {
        ProducerConfigurationData data = new ProducerConfigurationData();
        data.setBatcherBuilder(BatcherBuilder.KEY_BASED);
        data.setBatchingMaxPublishDelayMicros(TimeUnit.MILLISECONDS.toMicros(2));
        // fail rather than hang when the broker is gone: the batch retries, its messages stay unacknowledged
        data.setSendTimeoutMs(10_000);
        data.setBlockIfQueueFull(false);
        // producer names are unique per topic: the connector would name it after the channel, and every other
        // processor instance (and ingest, whose channel has the same name) would then be refused
        data.setProducerName("processor-" + ConsumerConfigurations.instanceName() + "-rejected-" + UUID.randomUUID());
        return data;
    }
}
