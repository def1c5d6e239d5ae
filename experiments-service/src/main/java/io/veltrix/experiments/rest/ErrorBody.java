package io.veltrix.experiments.rest;

import io.veltrix.experiments.service.InvalidInputException.FieldError;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Every error answer: a machine-readable code, a sentence, and for 400 the offending fields. */
@Schema(description = "An error: code, message and, for invalid input, each field with the reason")
public record ErrorBody(
        @Schema(description = "invalid_request, malformed_json, unauthorized, forbidden, not_found, key_exists, "
                + "invalid_transition, variants_locked, archived; 503: database_unavailable, database_read_only (retry "
                + "after Retry-After); 500: internal_error") String error,
        String message,
        @Schema(description = "400 only: each offending field (JSON path such as variants[1].weight) and why")
        List<FieldError> fields) {

    public static ErrorBody of(String error, String message) {
        return new ErrorBody(error, message, List.of());
    }
}
