package io.veltrix.ingest.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.impl.conf.ProducerConfigurationData;

/** Producer settings that configuration keys cannot express (the batcher is an object). */
@ApplicationScoped
public class ProducerConfigurations {

    /** Batches grouped by key: required for consumers on a Key_Shared subscription. */
    @Produces
    @Identifier("events-raw-producer")
    ProducerConfigurationData eventsRaw() {
        return keyBased();
    }

    @Produces
    @Identifier("events-rejected-producer")
    ProducerConfigurationData eventsRejected() {
        return keyBased();
    }

    private static ProducerConfigurationData keyBased() {
        ProducerConfigurationData data = new ProducerConfigurationData();
        data.setBatcherBuilder(BatcherBuilder.KEY_BASED);
        data.setBatchingMaxPublishDelayMicros(TimeUnit.MILLISECONDS.toMicros(2));
        // fail fast when the broker is gone: the request answers 503 instead of hanging
        data.setSendTimeoutMs(5_000);
        data.setBlockIfQueueFull(false);
        return data;
    }
}
