package io.veltrix.schemas.cdi;

import io.veltrix.schemas.codec.RegistryCodec;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives every Quarkus service the shared {@link RegistryCodec}, on the application's Vert.x instance, for the
 * registry at {@code veltrix.registry.url}.
 */
@ApplicationScoped
public class RegistryCodecProducer {

    @Produces
    @ApplicationScoped
    RegistryCodec codec(@ConfigProperty(name = "veltrix.registry.url") String registryUrl, Vertx vertx) {
        return RegistryCodec.connect(registryUrl, vertx);
    }

    void close(@Disposes RegistryCodec codec) {
        codec.close();
    }
}
