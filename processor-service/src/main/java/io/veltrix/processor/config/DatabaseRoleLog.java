package io.veltrix.processor.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Says once, at start, which role the service logs in as. Being injected, {@link DatabaseConfig} is also checked when
 * the configuration loads (an unused mapping is not), so a missing login stops the start before Flyway connects.
 */
@ApplicationScoped
class DatabaseRoleLog {

    void onStart(@Observes StartupEvent event, DatabaseConfig database) {
        Log.infof("PostgreSQL role %s; the read contract of schema processing is granted to %s", database.username(),
                database.readerRole());
    }
}
