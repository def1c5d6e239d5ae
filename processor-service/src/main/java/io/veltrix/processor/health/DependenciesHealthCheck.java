package io.veltrix.processor.health;

import io.veltrix.processor.service.Dependencies;
import io.veltrix.processor.service.Dependencies.Dependency;
import io.veltrix.processor.service.Dependencies.Outage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the processor waits for the database, the registry, the broker or the experiment definitions
 * (its batches fail and are retried: nothing is acknowledged meanwhile). A pool that reconnected to a read-only
 * server, a revoked grant, a renamed table: the next batch fails, and readiness says so until one succeeds.
 */
@Readiness
@ApplicationScoped
public class DependenciesHealthCheck implements HealthCheck {

    private final Dependencies dependencies;

    public DependenciesHealthCheck(Dependencies dependencies) {
        this.dependencies = dependencies;
    }

    @Override
    public HealthCheckResponse call() {
        Map<Dependency, Outage> outages = dependencies.outages();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("processing").status(outages.isEmpty());
        outages.forEach((dependency, outage) -> response.withData(dependency.name().toLowerCase(java.util.Locale.ROOT),
                "unavailable for " + Duration.between(outage.since(), Instant.now()).toSeconds() + " s: " + outage.cause()));
        return response.build();
    }
}
