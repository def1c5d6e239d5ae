package io.veltrix.experiments.mapping;

import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A phase: a stretch of the experiment with a fixed allocation. */
@Schema(description = "A phase of a running experiment: a stretch with fixed coverage, weights and parameters")
public record PhaseView(int number, OffsetDateTime startedAt,
                        @Schema(description = "null while the phase is open") OffsetDateTime endedAt,
                        double coverage, List<Allocation> variants, String reason) {

    /** A variant's weight in the phase. */
    public record Allocation(String key, double weight) {
    }
}
