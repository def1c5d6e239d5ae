package io.veltrix.processor.messaging;

import io.smallrye.common.annotation.Identifier;
import io.veltrix.processor.config.ProcessorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.BatchReceivePolicy;
import org.apache.pulsar.client.impl.conf.ConsumerConfigurationData;

/** Consumer settings that configuration keys cannot express (the batch-receive policy is an object). */
@ApplicationScoped
public class ConsumerConfigurations {

    @Produces
    @Identifier("events-raw-consumer")
    ConsumerConfigurationData<Object> eventsRaw(ProcessorConfig config) {
        int maxEvents = config.batch().maxEvents();
        ConsumerConfigurationData<Object> data = new ConsumerConfigurationData<>();
        data.setBatchReceivePolicy(BatchReceivePolicy.builder()
                .maxNumMessages(maxEvents)
                .maxNumBytes(16 * 1024 * 1024)
                .timeout((int) config.batch().maxWait().toMillis(), TimeUnit.MILLISECONDS)
                .build());
        // room for the next batch while this one commits
        data.setReceiverQueueSize(Math.max(1000, maxEvents * 2));
        // one name per consumer (the connector would give every instance the channel's name): Key_Shared spreads
        // the key hashes over consumers by name, and the broker's stats then tell the instances apart
        data.setConsumerName("processor-" + instanceName() + "-" + UUID.randomUUID().toString().substring(0, 8));
        return data;
    }

    /** The pod's (host's) name, to recognize this instance in the broker's stats. */
    static String instanceName() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "local" : host;
    }
}
