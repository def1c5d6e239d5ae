package io.veltrix.experiments;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Converter;
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

    @Column(name = "primary_metric_direction", nullable = false)
    @Convert(converter = DirectionConverter.class)
    public Metric.Direction primaryMetricDirection = Metric.Direction.HIGHER;

    /** {"type": ..., "value": ...} as JSON text, or null (see {@code mapping.ExperimentMapper}). */
    @Column(name = "primary_metric_capping")
    @ColumnTransformer(read = "cast(primary_metric_capping as text)", write = "cast(cast(? as text) as jsonb)")
    public String primaryMetricCapping;

    /** [{"name": ..., "kind": ..., "direction": ..., "capping": ...}], as JSON text (see {@code mapping.ExperimentMapper}). */
    @Column(name = "guardrail_metrics", nullable = false)
    @ColumnTransformer(read = "cast(guardrail_metrics as text)", write = "cast(cast(? as text) as jsonb)")
    public String guardrailMetrics = "[]";

    @Column(name = "analysis_method", nullable = false)
    @Convert(converter = MethodConverter.class)
    public AnalysisSettings.Method analysisMethod = AnalysisSettings.DEFAULT_METHOD;

    @Column(name = "analysis_scale", nullable = false)
    @Convert(converter = ScaleConverter.class)
    public AnalysisSettings.Scale analysisScale = AnalysisSettings.DEFAULT_SCALE;

    @Column(name = "analysis_correction", nullable = false)
    @Convert(converter = CorrectionConverter.class)
    public AnalysisSettings.Correction analysisCorrection = AnalysisSettings.DEFAULT_CORRECTION;

    @Column(name = "sequential_tuning", nullable = false)
    public double sequentialTuning = AnalysisSettings.DEFAULT_SEQUENTIAL_TUNING;

    @Column(name = "min_participants", nullable = false)
    public int minParticipants = AnalysisSettings.DEFAULT_MIN_PARTICIPANTS;

    @Column(name = "min_conversions", nullable = false)
    public int minConversions = AnalysisSettings.DEFAULT_MIN_CONVERSIONS;

    @Column(name = "cuped_window_days")
    public Integer cupedWindowDays;

    @Column(name = "target_mde", nullable = false)
    public double targetMde = AnalysisSettings.DEFAULT_TARGET_MDE;

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

    /** How the results are analysed. */
    public AnalysisSettings analysis() {
        return new AnalysisSettings(analysisMethod, analysisScale, analysisCorrection, sequentialTuning, minParticipants,
                minConversions, cupedWindowDays, targetMde);
    }

    /** Stores {@code settings}. */
    public void analysis(AnalysisSettings settings) {
        analysisMethod = settings.method();
        analysisScale = settings.scale();
        analysisCorrection = settings.correction();
        sequentialTuning = settings.sequentialTuning();
        minParticipants = settings.minParticipants();
        minConversions = settings.minConversions();
        cupedWindowDays = settings.cupedWindowDays();
        targetMde = settings.targetMde();
    }

    @Converter
    public static class DirectionConverter implements AttributeConverter<Metric.Direction, String> {
        @Override
        public String convertToDatabaseColumn(Metric.Direction d) {
            return d == null ? null : d.value();
        }

        @Override
        public Metric.Direction convertToEntityAttribute(String value) {
            return value == null ? null : Metric.Direction.parse(value);
        }
    }

    @Converter
    public static class MethodConverter implements AttributeConverter<AnalysisSettings.Method, String> {
        @Override
        public String convertToDatabaseColumn(AnalysisSettings.Method m) {
            return m == null ? null : m.value();
        }

        @Override
        public AnalysisSettings.Method convertToEntityAttribute(String value) {
            return value == null ? null : AnalysisSettings.Method.parse(value);
        }
    }

    @Converter
    public static class ScaleConverter implements AttributeConverter<AnalysisSettings.Scale, String> {
        @Override
        public String convertToDatabaseColumn(AnalysisSettings.Scale s) {
            return s == null ? null : s.value();
        }

        @Override
        public AnalysisSettings.Scale convertToEntityAttribute(String value) {
            return value == null ? null : AnalysisSettings.Scale.parse(value);
        }
    }

    @Converter
    public static class CorrectionConverter implements AttributeConverter<AnalysisSettings.Correction, String> {
        @Override
        public String convertToDatabaseColumn(AnalysisSettings.Correction c) {
            return c == null ? null : c.value();
        }

        @Override
        public AnalysisSettings.Correction convertToEntityAttribute(String value) {
            return value == null ? null : AnalysisSettings.Correction.parse(value);
        }
    }
}
