package io.veltrix.experiments;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.hibernate.annotations.ColumnTransformer;

/**
 * A stretch of a running experiment with a fixed allocation (table {@code experiments.phase}). Starting opens
 * phase 1; changing weights, coverage or variant parameters while running, or starting again after a stop,
 * closes the open phase and opens the next, so the history of what players were exposed to is kept.
 */
@Entity
@Table(schema = "experiments", name = "phase")
public class Phase extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "experiment_id", nullable = false, updatable = false)
    public Long experimentId;

    @Column(name = "number", nullable = false, updatable = false)
    public int number;

    @Column(name = "started_at", nullable = false, updatable = false)
    public OffsetDateTime startedAt;

    @Column(name = "ended_at")
    public OffsetDateTime endedAt;

    @Column(name = "coverage", nullable = false, updatable = false)
    public double coverage;

    /** [{"key": ..., "weight": ...}] in variant order, as JSON text (see {@code mapping.PhaseJson}). */
    @Column(name = "variants", nullable = false, updatable = false)
    @ColumnTransformer(read = "cast(variants as text)", write = "cast(cast(? as text) as jsonb)")
    public String variants;

    @Column(name = "reason", nullable = false, updatable = false)
    public String reason;
}
