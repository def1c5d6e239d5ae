package io.veltrix.experiments;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.ColumnTransformer;

/**
 * An A/B experiment on a reward structure (table {@code experiments.experiment}). Its variants, in order, are
 * GrowthBook's variations; {@link #coverage} is the share of players included.
 */
@Entity
@Table(schema = "experiments", name = "experiment")
public class Experiment extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "key", nullable = false, unique = true, updatable = false)
    public String key;

    @Column(name = "name", nullable = false)
    public String name;

    @Column(name = "description")
    public String description;

    @Column(name = "status", nullable = false)
    @Convert(converter = ExperimentStatus.DbConverter.class)
    public ExperimentStatus status = ExperimentStatus.DRAFT;

    @Column(name = "coverage", nullable = false)
    public double coverage = 1;

    @Column(name = "primary_metric")
    public String primaryMetric;

    @Column(name = "primary_metric_kind", nullable = false)
    @Convert(converter = MetricKind.DbConverter.class)
    public MetricKind primaryMetricKind = MetricKind.CONVERSION;

    /** [{"name": ..., "kind": ...}], as JSON text (see {@code mapping.MetricsJson}). */
    @Column(name = "guardrail_metrics", nullable = false)
    @ColumnTransformer(read = "cast(guardrail_metrics as text)", write = "cast(cast(? as text) as jsonb)")
    public String guardrailMetrics = "[]";

    @ElementCollection
    @CollectionTable(schema = "experiments", name = "variant", joinColumns = @JoinColumn(name = "experiment_id"))
    @OrderColumn(name = "position")
    public List<Variant> variants = new ArrayList<>();

    @Column(name = "created_at", nullable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "stopped_at")
    public OffsetDateTime stoppedAt;

    @Version
    @Column(name = "version", nullable = false)
    public long version;

    /** The variant weights in order. */
    public double[] weights() {
        return variants.stream().mapToDouble(v -> v.weight).toArray();
    }
}
