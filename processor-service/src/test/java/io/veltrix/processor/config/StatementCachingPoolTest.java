package io.veltrix.processor.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The processor's longest statement is kept prepared by the pool (not sent unnamed and planned for every batch). */
class StatementCachingPoolTest {

    @Test
    void keepsTheAggregatesStatementPrepared() throws Exception {
        PgConnectOptions options = new PgConnectOptions().setCachePreparedStatements(true);
        java.lang.reflect.Field apply = io.veltrix.processor.repository.AggregateRepository.class.getDeclaredField("APPLY");
        apply.setAccessible(true);
        String statement = (String) apply.get(null);
        assertFalse(options.getPreparedStatementCacheSqlFilter().test(statement),
                "Vert.x's default limit would not cache it: " + statement.length() + " characters");
        Vertx vertx = Vertx.vertx();
        try {
            Pool pool = new StatementCachingPool().create(new PgPoolCreator.Input() {
                @Override
                public Vertx vertx() {
                    return vertx;
                }

                @Override
                public PoolOptions poolOptions() {
                    return new PoolOptions();
                }

                @Override
                public List<PgConnectOptions> pgConnectOptionsList() {
                    return List.of(options);
                }
            });
            assertTrue(options.getPreparedStatementCacheSqlFilter().test(statement), statement.length() + " characters");
            pool.close();
        } finally {
            vertx.close();
        }
    }
}
