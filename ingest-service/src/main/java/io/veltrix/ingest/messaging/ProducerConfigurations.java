package io.veltrix.ingest.messaging;

import io.smallrye.common.annotation.Identifier;
import io.veltrix.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.impl.conf.ProducerConfigurationData;

/** Producer settings that configuration keys cannot express (the batcher is an object). */
@ApplicationScoped
public class ProducerConfigurations {

    /** How long a producer waits to fill a batch. */
    static final long BATCHING_DELAY_MICROS = TimeUnit.MILLISECONDS.toMicros(2);

    private final IngestConfig config;

    public ProducerConfigurations(IngestConfig config) {
        this.config = config;
    }

    /** Batches grouped by key: required for consumers on a Key_Shared subscription. */
    @Produces
    @Identifier("events-raw-producer")
    ProducerConfigurationData eventsRaw() {
        return keyBased(Channels.EVENTS_RAW);
    }

    @Produces
    @Identifier("events-rejected-producer")
    ProducerConfigurationData eventsRejected() {
        return keyBased(Channels.EVENTS_REJECTED);
    }

    @Produces
    @Identifier("events-replays-producer")
    ProducerConfigurationData eventsReplays() {
        return keyBased(Channels.REPLAYS);
    }

    private ProducerConfigurationData keyBased(String channel) {
        ProducerConfigurationData data = new ProducerConfigurationData();
        // A producer name must be unique on its topic: the connector would name it after the channel, and a second
        // ingest replica (or the processor, which also writes events.rejected) could then not connect at all.
        data.setProducerName("ingest-" + channel + "-" + UUID.randomUUID());
        data.setBatcherBuilder(BatcherBuilder.KEY_BASED);
        data.setBatchingMaxPublishDelayMicros(BATCHING_DELAY_MICROS);
        // fail fast when the broker is gone: the request answers 503 instead of hanging (the only publish timeout:
        // no timer per event)
        data.setSendTimeoutMs((int) config.publishTimeout().toMillis());
        data.setBlockIfQueueFull(false);
        return data;
    }
}
