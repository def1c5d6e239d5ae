package io.veltrix.experiments.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.veltrix.experiments.Variant;
import io.veltrix.experiments.service.AssignmentService.Assignment;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A player's variant in an experiment, with the parameters the game applies. */
@Schema(description = "A player's assignment. Not in the experiment: variant, variationId and parameters are null")
public record AssignmentView(
        String experimentKey, String playerId, boolean inExperiment,
        @Schema(description = "assigned, not_running or outside_coverage") String reason,
        @Schema(description = "GrowthBook's variation id (the variant's index)") Integer variationId,
        @Schema(description = "The variant key to send back as experiment_viewed.variant") String variant,
        @Schema(description = "The variant's reward-structure parameters") JsonNode parameters,
        @Schema(description = "The player's hash bucket in [0, 1) (GrowthBook hash version 2, seed = experiment key)") Double bucket,
        int hashVersion,
        @Schema(description = "The current phase number") Integer phase) {

    public static AssignmentView of(Assignment a) {
        boolean in = a.placement().inExperiment();
        Variant v = in ? a.experiment().variants.get(a.placement().variant()) : null;
        return new AssignmentView(a.experiment().key, a.playerId(), in, a.reason().name().toLowerCase(Locale.ROOT),
                in ? a.placement().variant() : null, in ? v.key : null, in ? ExperimentMapper.parseJson(v.parameters) : null,
                Double.isNaN(a.placement().bucket()) ? null : a.placement().bucket(), 2,
                a.phase() == null ? null : a.phase().number);
    }
}
