package io.veltrix.experiments.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.Phase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The phases of experiments (table {@code experiments.phase}). */
@ApplicationScoped
public class PhaseRepository implements PanacheRepository<Phase> {

    /** An experiment's phases, oldest first. */
    @WithSession
    public Uni<List<Phase>> phases(long experimentId) {
        return list("experimentId = ?1 order by number", experimentId);
    }

    /** The latest phases of several experiments (one per experiment that has any). */
    @WithSession
    public Uni<List<Phase>> latest(List<Long> experimentIds) {
        if (experimentIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("from Phase p where p.experimentId in ?1 and p.number = "
                + "(select max(q.number) from Phase q where q.experimentId = p.experimentId)", experimentIds);
    }
}
