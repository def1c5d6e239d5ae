package io.veltrix.experiments;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A metric of an experiment: {@code name} is an event type ({@code purchase_completed}: one per event) or
 * {@code event_type.property} (a numeric property, e.g. {@code purchase_completed.revenue}); {@code kind} says
 * how it is summarised; {@code direction} whether a rise is good or bad; {@code capping} (mean metrics only, may be
 * null) limits each participant's total before the analysis. Counted over each participant's events at or after
 * their first exposure.
 */
public record Metric(String name, MetricKind kind,
                     @Schema(description = "higher: a rise is an improvement (default); lower: a fall is (e.g. churn, crashes)")
                     Direction direction,
                     @Schema(description = "Mean metrics: each participant's total is capped (winsorised) before the analysis; "
                             + "null: no capping")
                     @JsonInclude(JsonInclude.Include.ALWAYS) Capping capping) {

    public Metric {
        direction = direction == null ? Direction.HIGHER : direction;
    }

    /** A metric where higher is better, without capping. */
    public Metric(String name, MetricKind kind) {
        this(name, kind, Direction.HIGHER, null);
    }

    /** +1 when higher is better, −1 when lower is better. */
    public int sign() {
        return direction == Direction.LOWER ? -1 : 1;
    }

    /** Which way is better. */
    public enum Direction {
        HIGHER, LOWER;

        @JsonValue
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The direction named by {@code value} (case-insensitive), or null. */
        public static Direction parse(String value) {
            for (Direction d : values()) {
                if (d.value().equalsIgnoreCase(value)) {
                    return d;
                }
            }
            return null;
        }
    }

    /**
     * Capping of a mean metric: each participant's total X becomes min(X, cap), with cap = {@code value}
     * ({@code absolute}) or the {@code value}-quantile of the totals of the analysed participants that have at least
     * one event of the metric ({@code quantile}, 0 &lt; value &lt; 1).
     */
    @Schema(description = "Capping: {\"type\": \"quantile\", \"value\": 0.99} caps each participant's total at the 99th "
            + "percentile of the totals of the participants with at least one event; {\"type\": \"absolute\", \"value\": 500} at 500")
    public record Capping(Type type, double value) {

        /** How the cap is found. */
        public enum Type {
            QUANTILE, ABSOLUTE;

            @JsonValue
            public String value() {
                return name().toLowerCase(Locale.ROOT);
            }

            public static Type parse(String value) {
                for (Type t : values()) {
                    if (t.value().equalsIgnoreCase(value)) {
                        return t;
                    }
                }
                return null;
            }
        }
    }
}
