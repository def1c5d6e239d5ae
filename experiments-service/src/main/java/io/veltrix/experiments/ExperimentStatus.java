package io.veltrix.experiments;

import com.fasterxml.jackson.annotation.JsonValue;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Locale;

/**
 * Life cycle of an experiment: {@code draft → running ⇄ stopped → archived}. Only a running experiment assigns
 * players and is served to SDKs.
 */
public enum ExperimentStatus {
    DRAFT, RUNNING, STOPPED, ARCHIVED;

    /** The lower-case name used in the database and the API. */
    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Stored lower case, as the V1 check constraint and the processor's read contract expect. */
    @Converter
    public static class DbConverter implements AttributeConverter<ExperimentStatus, String> {
        @Override
        public String convertToDatabaseColumn(ExperimentStatus status) {
            return status == null ? null : status.value();
        }

        @Override
        public ExperimentStatus convertToEntityAttribute(String value) {
            return value == null ? null : ExperimentStatus.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }
}
