package io.veltrix.ingest.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A request refused as a whole. */
@Schema(name = "ErrorResponse", description = "Why the whole request was refused; nothing of it was accepted")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorResponse(
        @Schema(description = "always false") boolean success,
        @Schema(description = "machine-readable reason, e.g. malformed_json, request_too_large, unauthorized") String reason,
        @Schema(description = "JSON path of the problem, when it has one") String path,
        @Schema(description = "what to do") String message,
        @Schema(description = "the limit exceeded, in bytes (413 only)") Integer limit) {
}
