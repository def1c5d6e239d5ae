package io.veltrix.processor.config;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import jakarta.inject.Singleton;

/**
 * The reactive pool as Quarkus configures it, with one change no configuration key reaches: statements up to
 * {@value #SQL_LIMIT} characters are kept prepared per connection (Vert.x's default is 2,048). The aggregates statement
 * ({@code AggregateRepository}) is longer, so it was sent as an unnamed statement and PostgreSQL parsed and planned it
 * for every batch: {@code pg_stat_statements} of {@code ./veltrix bench} (2026-12-01 10:51) counted 1,182 plans in
 * 1,183 calls, 2 ms each, while the event-log statement (shorter) was planned once per connection. Prepared once,
 * it is planned once per connection ({@code plan_cache_mode=force_generic_plan}, application.properties).
 */
@Singleton
public class StatementCachingPool implements PgPoolCreator {

    /** Longer than any statement of the processor (the aggregates statement: about 4,500 characters). */
    static final int SQL_LIMIT = 16 * 1024;

    @Override
    @SuppressWarnings("deprecation") // PgPool: the type Quarkus 3 still expects of this creator
    public Pool create(Input input) {
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setPreparedStatementCacheSqlLimit(SQL_LIMIT);
        }
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), input.poolOptions());
    }
}
