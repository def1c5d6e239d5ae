package io.veltrix.processor.repository;

import io.smallrye.mutiny.Uni;
import io.veltrix.processor.ExperimentDefinitions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads the experiment definitions through the read contract {@code experiments.experiment_variant} (a view
 * owned by experiments-service). A missing view means experiments-service has not migrated its schema yet:
 * then no experiment exists.
 */
@ApplicationScoped
public class ExperimentDefinitionRepository {

    static final String QUERY = "select experiment_key, status, variant_key from experiments.experiment_variant";
    /** undefined_table, invalid_schema_name */
    private static final Set<String> MISSING = Set.of("42P01", "3F000");

    private final Pool pool;

    public ExperimentDefinitionRepository(Pool pool) {
        this.pool = pool;
    }

    /** The definitions; their {@code loadedAt} is when the query started (they are at least that fresh). */
    public Uni<ExperimentDefinitions> load() {
        return Uni.createFrom().deferred(() -> {
            Instant started = Instant.now();
            return read(started);
        });
    }

    private Uni<ExperimentDefinitions> read(Instant started) {
        return pool.query(QUERY).execute().map(rows -> {
            Map<String, String> status = new HashMap<>();
            Map<String, Set<String>> variants = new HashMap<>();
            for (Row row : rows) {
                String key = row.getString("experiment_key");
                status.put(key, row.getString("status"));
                variants.computeIfAbsent(key, k -> new HashSet<>()).add(row.getString("variant_key"));
            }
            Map<String, ExperimentDefinitions.Experiment> experiments = new HashMap<>();
            status.forEach((key, s) -> experiments.put(key, new ExperimentDefinitions.Experiment(key, s, Set.copyOf(variants.get(key)))));
            return new ExperimentDefinitions(Map.copyOf(experiments), started, false);
        }).onFailure(e -> e instanceof PgException pg && MISSING.contains(pg.getSqlState()))
                .recoverWithItem(() -> new ExperimentDefinitions(Map.of(), started, true));
    }
}
