package io.veltrix.experiments.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.veltrix.security.Roles;
import io.veltrix.security.TokenGrant;
import io.veltrix.security.TokenGrants;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;

/** What each configured token of the experiments API may do. */
@ApplicationScoped
public class ApiTokens {

    @Produces
    @Singleton
    TokenGrants grants(ExperimentsConfig config) {
        return new TokenGrants(List.of(
                new TokenGrant("admin-token", config.adminToken(), Set.of(Roles.ADMIN, Roles.ANALYST, Roles.SDK)),
                new TokenGrant("read-token", config.readToken(), Set.of(Roles.ANALYST)),
                new TokenGrant("sdk-key", config.sdkKey(), Set.of(Roles.SDK))));
    }

    void warnWhenUnset(@Observes StartupEvent event, TokenGrants grants) {
        for (TokenGrant grant : grants.grants()) {
            if (grant.token().isEmpty()) {
                Log.warnf("veltrix.experiments.%s (VELTRIX_EXPERIMENTS_%s) is not set: nobody can use it (%s)", grant.name(),
                        grant.name().toUpperCase(java.util.Locale.ROOT).replace('-', '_'), String.join(", ", grant.roles()));
            }
        }
    }
}
