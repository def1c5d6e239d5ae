package io.veltrix.experiments.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.veltrix.experiments.AnalysisSettings;
import io.veltrix.experiments.ExperimentStatus;
import io.veltrix.experiments.Metric;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An experiment as the API shows it. */
@Schema(description = "An experiment")
public record ExperimentView(String key, String name, String description, ExperimentStatus status, double coverage,
                             List<VariantView> variants, Metric primaryMetric, List<Metric> guardrailMetrics,
                             @Schema(description = "Number of the current (or last) phase; null before the first start")
                             Integer phase,
                             OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime startedAt,
                             OffsetDateTime stoppedAt, long version,
                             @Schema(description = "How the results are analysed (docs/statistics.md)") AnalysisSettings analysis) {

    /** A variant; {@code index} is GrowthBook's variation id. */
    public record VariantView(int index, String key, String name, double weight, JsonNode parameters) {
    }
}
