package io.veltrix.experiments.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.Experiment;
import io.veltrix.experiments.ExperimentStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Experiments with their variants (table {@code experiments.experiment}, {@code experiments.variant}). */
@ApplicationScoped
public class ExperimentRepository implements PanacheRepository<Experiment> {

    /** The experiment with its variants, or null. */
    @WithSession
    public Uni<Experiment> findByKey(String key) {
        // list(), not firstResult(): a row limit with a collection fetch is applied in memory (and logged per call)
        return find("from Experiment e left join fetch e.variants where e.key = ?1", key).list()
                .map(list -> list.isEmpty() ? null : list.get(0));
    }

    /** Every experiment (optionally of one status), newest first, with variants. */
    @WithSession
    public Uni<List<Experiment>> listAll(ExperimentStatus status) {
        if (status == null) {
            return find("select distinct e from Experiment e left join fetch e.variants order by e.createdAt desc, e.id desc").list();
        }
        return find("select distinct e from Experiment e left join fetch e.variants where e.status = ?1 "
                + "order by e.createdAt desc, e.id desc", status).list();
    }
}
