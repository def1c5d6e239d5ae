package io.veltrix.processor.config;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the native image must keep for reflection beyond what the Quarkus extensions already register
 * (Pulsar's ProducerConfigurationData/ConsumerConfigurationData, Apicurio's serde strategies, id handlers and
 * datum providers, the Avro classes generated in the schemas module). Nothing here matters on the JVM.
 *
 * <p>Apicurio's registry client (used by the shared {@code RegistryCodec}) chooses its HTTP adapter with
 * {@code Class.forName("io.kiota.http.vertx.VertXRequestAdapter")} in {@code AdapterDetector}. GraalVM resolves
 * {@code Class.forName} at build time only where it sees a constant name, and there the name goes through a
 * helper method; unregistered, the class may be missing at run time and every registry call would fail with
 * "No HTTP adapter available on classpath". No extension registers it (checked in the generated
 * reflect-config.json of a {@code -Dquarkus.native.sources-only=true} build).
 */
@RegisterForReflection(classNames = {"io.kiota.http.vertx.VertXRequestAdapter",
        // the codec gives Apicurio its Avro datum provider class, which Apicurio instantiates reflectively
        "io.veltrix.schemas.codec.IdentityCachingDatumProvider"})
public final class NativeRegistrations {

    private NativeRegistrations() {
    }
}
