package io.veltrix.experiments;

import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Locale;

/** How a metric is summarised per variant. */
public enum MetricKind {
    /** Share of participants with at least one matching event (two-proportion z-test). */
    CONVERSION,
    /** Mean over participants of each participant's total (event count or property sum; Welch's t-test). */
    MEAN;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named by {@code value} (case-insensitive), or null when there is none. */
    public static MetricKind parse(String value) {
        for (MetricKind kind : values()) {
            if (kind.value().equalsIgnoreCase(value)) {
                return kind;
            }
        }
        return null;
    }

    @Converter
    public static class DbConverter implements AttributeConverter<MetricKind, String> {
        @Override
        public String convertToDatabaseColumn(MetricKind kind) {
            return kind == null ? null : kind.value();
        }

        @Override
        public MetricKind convertToEntityAttribute(String value) {
            return value == null ? null : parse(value);
        }
    }
}
