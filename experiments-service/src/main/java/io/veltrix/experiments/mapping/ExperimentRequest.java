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
        @Schema(description = "Metrics that must not get worse (up to 10): each gets a one-sided test of harm")
        List<MetricRequest> guardrailMetrics,
        @Schema(description = "How the results are analysed; every field optional (defaults in docs/statistics.md). On update, "
                + "leaving it out keeps the stored settings. method, scale, correction and sequentialTuning cannot change "
                + "once the experiment has started (409 analysis_locked)")
        AnalysisRequest analysis) {

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
                    enumeration = {"conversion", "mean"}) String kind,
            @Schema(description = "higher (default): a rise is an improvement; lower: a fall is (e.g. crashes, refunds)",
                    enumeration = {"higher", "lower"}) String direction,
            @Schema(description = "Mean metrics only: cap each participant's total before the analysis") CappingRequest capping) {
    }

    /** Capping of a mean metric. */
    public record CappingRequest(
            @Schema(description = "quantile: at the value-quantile of the totals of the participants with an event; "
                    + "absolute: at value", enumeration = {"quantile", "absolute"}) String type,
            @Schema(description = "quantile: between 0 and 1 exclusive (e.g. 0.99); absolute: a positive number", examples = "0.99")
            Double value) {
    }

    /** Analysis settings; null fields take their defaults. */
    public record AnalysisRequest(
            @Schema(description = "sequential (default): anytime-valid confidence sequences, look as often as you like; "
                    + "fixed_horizon: z / Welch t tests, valid only when read once at a sample size fixed in advance",
                    enumeration = {"sequential", "fixed_horizon"}) String method,
            @Schema(description = "The lift p-values, verdicts and the drawn intervals are about: relative (default, "
                    + "(treatment − control) / |control|) or absolute", enumeration = {"relative", "absolute"}) String scale,
            @Schema(description = "Correction over the primary metric's comparisons: holm (default) or benjamini_hochberg",
                    enumeration = {"holm", "benjamini_hochberg"}) String correction,
            @Schema(description = "N*: participants (control + treatment) at which the confidence sequence is narrowest "
                    + "(default 5000)") Double sequentialTuning,
            @Schema(description = "Participants each variant needs before a verdict (default 100)") Integer minParticipants,
            @Schema(description = "Participants with an event of the metric each variant needs before a verdict (default 10)")
            Integer minConversions,
            @Schema(description = "CUPED: days before first exposure whose value of the same metric adjusts the analysis "
                    + "(1..30; default null: off)") Integer cupedWindowDays,
            @Schema(description = "Relative lift the power and days-to-go estimates are for (default 0.05: 5 %)") Double targetMde) {
    }
}
