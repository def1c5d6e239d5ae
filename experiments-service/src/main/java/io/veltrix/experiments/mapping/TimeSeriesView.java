package io.veltrix.experiments.mapping;

import io.veltrix.experiments.MetricKind;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Participants and the primary metric over time, per variant (buckets in UTC). */
@Schema(description = "Per bucket (minute, hour or day, UTC) and variant: new and cumulative participants, and the primary metric "
        + "as it stood at the end of the bucket (cumulative conversion rate or mean among the participants exposed so far)")
public record TimeSeriesView(String experimentKey, Integer phase, String interval, String metric, MetricKind kind,
                             List<String> variants,
                             @Schema(description = "false when some events the metric needs are past the processor's "
                                     + "retention: every point's value is then null (participants are still given)")
                             boolean metricAvailable,
                             @Schema(description = "Why the metric is not available") String note,
                             @Schema(description = "The metric counts events before this time (the end of a closed phase); "
                                     + "null: until now") OffsetDateTime metricsUntil,
                             List<Point> points) {

    /** One bucket. */
    public record Point(OffsetDateTime bucket, List<VariantPoint> variants) {
    }

    /** One variant in one bucket. */
    public record VariantPoint(String variant, long newParticipants, long participants, double value) {
    }
}
