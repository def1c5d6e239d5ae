package io.veltrix.ingest.mapping;

/**
 * Why an event was refused.
 *
 * @param reason  machine-readable reason code (see {@link Reasons})
 * @param path    JSON path of the offending value in the request body, e.g. {@code $.batch[3].properties.coins}
 * @param message what a person needs to fix it
 */
public record Violation(String reason, String path, String message) {
}
