package io.veltrix.ingest.health;

import io.veltrix.schemas.registry.RegistryProbe;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while Apicurio is unreachable: without schemas, ingest can only refuse. */
@Readiness
@ApplicationScoped
public class RegistryHealthCheck implements HealthCheck {

    private final String registryUrl;

    public RegistryHealthCheck(@ConfigProperty(name = "veltrix.registry.url") String registryUrl) {
        this.registryUrl = registryUrl;
    }

    @Override
    public HealthCheckResponse call() {
        String problem = RegistryProbe.problem(registryUrl);
        return HealthCheckResponse.named("schema-registry")
                .status(problem == null)
                .withData("url", registryUrl)
                .withData("problem", problem == null ? "none" : problem)
                .build();
    }
}
