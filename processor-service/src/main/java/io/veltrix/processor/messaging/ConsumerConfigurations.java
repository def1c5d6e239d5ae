package io.veltrix.processor.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.BatchReceivePolicy;
import org.apache.pulsar.client.impl.conf.ConsumerConfigurationData;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Consumer settings that configuration keys cannot express (the batch-receive policy is an object). */
@ApplicationScoped
public class ConsumerConfigurations {

    @Produces
    @Identifier("events-raw-consumer")
    ConsumerConfigurationData<Object> eventsRaw(
            @ConfigProperty(name = "veltrix.processor.batch.max-events", defaultValue = "500") int maxEvents,
            @ConfigProperty(name = "veltrix.processor.batch.max-wait-ms", defaultValue = "50") int maxWaitMs) {
        ConsumerConfigurationData<Object> data = new ConsumerConfigurationData<>();
        data.setBatchReceivePolicy(BatchReceivePolicy.builder()
                .maxNumMessages(maxEvents)
                .maxNumBytes(16 * 1024 * 1024)
                .timeout(maxWaitMs, TimeUnit.MILLISECONDS)
                .build());
        data.setReceiverQueueSize(Math.max(1000, maxEvents * 2));
        return data;
    }
}
