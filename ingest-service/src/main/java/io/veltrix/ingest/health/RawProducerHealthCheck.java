package io.veltrix.ingest.health;

import io.veltrix.ingest.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the producer of accepted events is disconnected from Pulsar: nothing could be accepted. */
@Readiness
@ApplicationScoped
public class RawProducerHealthCheck implements HealthCheck {

    private final EventPublisher publisher;

    public RawProducerHealthCheck(EventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("events-raw-producer").status(publisher.rawConnected()).build();
    }
}
