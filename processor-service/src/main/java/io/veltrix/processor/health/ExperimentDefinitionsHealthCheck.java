package io.veltrix.processor.health;

import io.veltrix.processor.ExperimentDefinitions;
import io.veltrix.processor.messaging.BacklogMonitor;
import io.veltrix.processor.service.ExperimentCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of what the processor validates with: the experiment definitions must have been read, and recently
 * (a processor that cannot read them would refuse exposures on stale knowledge). Also shows the sampled backlog
 * and dead-letter size. The database and the Pulsar consumer have their own checks (the reactive datasource's
 * and the messaging connector's: "connected" per channel).
 */
@Readiness
@ApplicationScoped
public class ExperimentDefinitionsHealthCheck implements HealthCheck {

    private final ExperimentCatalog catalog;
    private final BacklogMonitor backlog;

    public ExperimentDefinitionsHealthCheck(ExperimentCatalog catalog, BacklogMonitor backlog) {
        this.catalog = catalog;
        this.backlog = backlog;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("experiment definitions").status(catalog.fresh());
        Optional<ExperimentDefinitions> definitions = catalog.cached();
        definitions.ifPresent(d -> response
                .withData("experiments", d.experiments().size())
                .withData("age_seconds", Duration.between(d.loadedAt(), Instant.now()).toSeconds())
                .withData("contract", d.contractMissing() ? "experiments.experiment_variant missing: no experiment known" : "ok"));
        if (definitions.isEmpty()) {
            response.withData("contract", "not read yet");
        }
        if (!Double.isNaN(backlog.backlog())) {
            response.withData("events_raw_backlog", (long) backlog.backlog());
        }
        if (!Double.isNaN(backlog.deadLetters())) {
            response.withData("dead_letters", (long) backlog.deadLetters());
        }
        return response.build();
    }
}
