package io.veltrix.schemas.rules;

/**
 * Why an event breaks one of the {@link EventRules}.
 *
 * @param reason  machine-readable reason code (the constants of {@link EventRules})
 * @param path    JSON path of the offending value in the event as the client sent it, e.g. {@code $.properties.revenue}
 * @param message human-readable explanation
 */
public record RuleViolation(String reason, String path, String message) {
}
