package io.veltrix.processor.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.veltrix.processor.ExperimentDefinitions;
import io.veltrix.processor.service.Failures;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the experiment definitions through the read contract {@code experiments.experiment_variant} (a view
 * owned by experiments-service). A missing view means experiments-service has not migrated its schema yet:
 * then no experiment exists. Must be subscribed on a Vert.x context.
 */
@ApplicationScoped
public class ExperimentDefinitionRepository {

    static final String QUERY = "select experiment_key, status, variant_key from experiments.experiment_variant";
    /** undefined_table, invalid_schema_name */
    private static final Set<String> MISSING = Set.of("42P01", "3F000");

    /** The definitions; their {@code loadedAt} is when the query started (they are at least that fresh). */
    public Uni<ExperimentDefinitions> load() {
        return Uni.createFrom().deferred(() -> {
            Instant started = Instant.now();
            return Panache.withSession(() -> Panache.getSession().flatMap(session ->
                            session.createNativeQuery(QUERY, Object[].class).getResultList()))
                    .map(rows -> definitions(rows, started))
                    .onFailure(e -> MISSING.contains(Failures.sqlState(e)))
                    .recoverWithItem(() -> new ExperimentDefinitions(Map.of(), started, true));
        });
    }

    private static ExperimentDefinitions definitions(List<Object[]> rows, Instant started) {
        Map<String, String> status = new HashMap<>();
        Map<String, Set<String>> variants = new HashMap<>();
        for (Object[] row : rows) {
            String key = (String) row[0];
            status.put(key, (String) row[1]);
            variants.computeIfAbsent(key, k -> new HashSet<>()).add((String) row[2]);
        }
        Map<String, ExperimentDefinitions.Experiment> experiments = new HashMap<>();
        status.forEach((key, s) -> experiments.put(key, new ExperimentDefinitions.Experiment(key, s, Set.copyOf(variants.get(key)))));
        return new ExperimentDefinitions(Map.copyOf(experiments), started, false);
    }
}
