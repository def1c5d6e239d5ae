package io.veltrix.stack;

import io.veltrix.schemas.registry.RegistrationException;
import io.veltrix.schemas.registry.SchemaRegistrar;
import java.util.List;

/** Registers the platform's Avro schemas in Apicurio (the deploy-time step of the schemas module). */
final class SchemaRegistration {

    private SchemaRegistration() {
    }

    /** Returns one line per artifact saying what happened. */
    static List<String> registerAll(String registryUrl, SchemaRegistrar.Writer writer, Log log) {
        try {
            List<String> registered = SchemaRegistrar.registerAll(registryUrl, writer);
            log.info(registered.size() + " schemas registered in Apicurio Registry");
            log.detail("schemas registered in " + registryUrl + ": " + registered);
            return registered;
        } catch (RegistrationException e) {
            throw new StackException("schema registration in Apicurio Registry failed: " + e.getMessage(), e);
        }
    }
}
