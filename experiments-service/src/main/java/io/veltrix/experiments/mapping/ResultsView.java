package io.veltrix.experiments.mapping;

import io.veltrix.experiments.ExperimentStatus;
import io.veltrix.experiments.service.ResultsCalculator;
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
        @Schema(description = "Participants per variant; weight is the phase's allocation used by the SRM check")
        List<VariantSummary> variants,
        @Schema(description = "Participants in the window whose variant key is not a variant of the experiment (not analysed)")
        long unknownVariantParticipants,
        @Schema(description = "Sample-ratio-mismatch check: χ² against the weights; mismatch when p < 0.001")
        ResultsCalculator.Srm srm,
        @Schema(description = "Primary metric first, then guardrails; per variant the value and the comparison with control")
        List<ResultsCalculator.MetricResult> metrics,
        @Schema(description = "How many comparisons the Holm correction covers") int comparisons,
        OffsetDateTime computedAt) {

    /** One variant's participants. */
    public record VariantSummary(int index, String key, String name, double weight, long participants) {
    }
}
