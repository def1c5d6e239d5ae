package io.veltrix.experiments.mapping;

import io.veltrix.experiments.AnalysisSettings;
import io.veltrix.experiments.ExperimentStatus;
import io.veltrix.experiments.statistics.ResultsCalculator;
import io.veltrix.experiments.statistics.SampleRatio;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An experiment's results for one phase (see docs/statistics.md). Numbers that cannot be computed are null. */
@Schema(description = "Results of one phase of an experiment: per variant against control and per metric")
public record ResultsView(
        String experimentKey, String name, ExperimentStatus status,
        @Schema(description = "The analysed phase (the latest unless ?phase= asks for another); null before the first start")
        PhaseView phase,
        @Schema(description = "Every phase of the experiment") List<PhaseView> phases,
        @Schema(description = "Participants first exposed in [windowFrom, windowTo) are counted") OffsetDateTime windowFrom,
        OffsetDateTime windowTo,
        @Schema(description = "How these results were analysed: method (sequential = anytime-valid, or fixed_horizon), "
                + "scale, correction, minimums, CUPED window, target MDE") AnalysisSettings analysis,
        @Schema(description = "Participants per variant; weight is the phase's allocation used by the SRM check")
        List<VariantSummary> variants,
        @Schema(description = "Participants in the window whose variant key is not a variant of the experiment (not analysed)")
        long unknownVariantParticipants,
        @Schema(description = "Participants left out of every number (SRM included) because they were exposed to more "
                + "than one variant (processing.participant.multiple_variants); per variant in variants[].excludedParticipants")
        long excludedParticipants,
        @Schema(description = "Which events the metrics count, and what the processor's event retention allowed")
        DataWindow data,
        @Schema(description = "Sample-ratio-mismatch check: χ² against the weights; mismatch when p < 0.001")
        SampleRatio.Srm srm,
        @Schema(description = "Primary metric first, then guardrails; per variant the value and the comparison with control")
        List<ResultsCalculator.MetricResult> metrics,
        @Schema(description = "How many comparisons the correction covers (the primary metric's, with enough data)")
        int comparisons,
        @Schema(description = "Some guardrail is harmed by some treatment") boolean guardrailHarmed,
        @Schema(description = "Power of the primary metric's comparisons at analysis.targetMde, and days to go")
        List<ResultsCalculator.PowerResult> power,
        OffsetDateTime computedAt) {

    /** One variant's participants. */
    public record VariantSummary(int index, String key, String name, double weight,
                                 @Schema(description = "Participants analysed") long participants,
                                 @Schema(description = "First exposed to this variant, then to another: left out")
                                 long excludedParticipants) {
    }

    /**
     * What the metrics count: each participant's events from first exposure until {@code metricsUntil} (the phase's
     * end; null: until now). {@code cutAtPhaseEnd} false for a closed phase means its events were no longer all
     * within the processor's retention of single events, so the metrics include events after the phase ended.
     */
    @Schema(description = "The events behind the metrics")
    public record DataWindow(
            @Schema(description = "Metrics count each participant's events from first exposure until this time (the end "
                    + "of a closed phase); null: until now") OffsetDateTime metricsUntil,
            @Schema(description = "A closed phase's metrics stop at its end: true when they do, false when the events "
                    + "needed were past the retention (see notes); null for an open phase") Boolean cutAtPhaseEnd,
            @Schema(description = "The processor keeps single events this many days (veltrix.experiments.statistics.event-retention)")
            double eventRetentionDays,
            @Schema(description = "Events before this time may have been dropped: what needs them is not computed")
            OffsetDateTime retentionHorizon,
            @Schema(description = "What could not be computed as asked, and why") List<String> notes) {
    }
}
