package io.veltrix.experiments.health;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import io.smallrye.health.api.AsyncHealthCheck;

/**
 * Ready when PostgreSQL answers and the experiments schema is migrated. Whether the processor's tables (the read
 * contract) are there is reported as a detail only: the API works without them, results are then empty. So is whether
 * the database takes writes ({@code writable}): a read-only database (a failover in progress) still serves the
 * dashboards, the results and the SDKs' assignments, so the service stays ready; writes are answered 503
 * {@code database_read_only} meanwhile ({@code DatabaseErrorMappers}). It is the service's only database check:
 * Quarkus' own datasource checks are off ({@code quarkus.datasource.health.enabled=false}), since they query through
 * {@code Pool.query}, which logs an "Uncaught exception ... Result is already complete" stack trace 30 s after each
 * probe that found no connection (vertx-sql-client issue 1706): every 5 s while the database is away.
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
        // a connection asked for explicitly, not Pool.query (see above)
        return pool.withConnection(connection -> connection.query("select (select count(*) from experiments.experiment) "
                        + "as experiments, to_regclass('processing.participant') is not null as processing, "
                        + "current_setting('transaction_read_only') = 'off' as writable").execute())
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return HealthCheckResponse.named("experiments-database").up()
                            .withData("experiments", row.getLong("experiments"))
                            .withData("processingTablesReadable", row.getBoolean("processing"))
                            .withData("writable", row.getBoolean("writable"))
                            .build();
                })
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("experiments-database").down()
                        .withData("error", String.valueOf(e.getMessage())).build());
    }
}
