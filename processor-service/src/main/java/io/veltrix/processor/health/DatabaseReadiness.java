package io.veltrix.processor.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when PostgreSQL gives the processor a connection and answers on it, whether events flow or not
 * ({@link DependenciesHealthCheck} says what the batches met). It replaces Quarkus' own datasource checks
 * ({@code quarkus.datasource.health.enabled=false}): those query through {@code Pool.query}, which, when no
 * connection can be had (the server down or refusing the role), fails the probe at once and then, when the pool's
 * 30-s connection timeout ends, logs an "Uncaught exception ... Result is already complete" stack trace for every
 * probe (vertx-sql-client issue 1706): every 5 s while the database is away. A connection asked for explicitly
 * ({@code withConnection}) has no such timer.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements AsyncHealthCheck {

    private final Pool pool;

    public DatabaseReadiness(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.withConnection(connection -> connection.query("select 1").execute())
                .map(rows -> HealthCheckResponse.up("database"))
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("database").down()
                        .withData("error", String.valueOf(e.getMessage())).build());
    }
}
