package io.veltrix.experiments.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of create (POST) and update (PUT): the whole definition. */
@Schema(description = "An experiment definition. On update the whole definition is replaced; the key cannot change.")
public record ExperimentRequest(
        @Schema(description = "Unique key, the GrowthBook experiment key and hash seed: letters, digits, '.', '_', '-'; up to 128 characters",
                examples = "reward-boost-2026") String key,
        @Schema(description = "Display name", examples = "Bigger treasure rewards") String name,
        @Schema(description = "What is tested and why") String description,
        @Schema(description = "Share of players included, 0..1 (default 1)", examples = "0.8") Double coverage,
        @Schema(description = "Two or more variants; the first is the control. Weights add up to 1") List<VariantRequest> variants,
        @Schema(description = "The metric the decision is made on") MetricRequest primaryMetric,
        @Schema(description = "Metrics that must not get worse (up to 10)") List<MetricRequest> guardrailMetrics) {

    /** A variant. */
    public record VariantRequest(
            @Schema(description = "Variant key, sent back in experiment_viewed.variant: letters, digits, '.', '_', '-'; up to 64 characters",
                    examples = "control") String key,
            @Schema(description = "Display name") String name,
            @Schema(description = "Traffic weight, 0..1; the weights of all variants add up to 1", examples = "0.5") Double weight,
            @Schema(description = "Reward-structure parameters the game reads (a JSON object, up to 16 KB)",
                    examples = "{\"coins_multiplier\": 1.5}") JsonNode parameters) {
    }

    /** A metric. */
    public record MetricRequest(
            @Schema(description = "An event type (one per event) or 'event_type.property' (a numeric property)",
                    examples = "purchase_completed.revenue") String name,
            @Schema(description = "conversion: share of participants with at least one event; mean: per-participant mean of the total",
                    enumeration = {"conversion", "mean"}) String kind) {
    }
}
