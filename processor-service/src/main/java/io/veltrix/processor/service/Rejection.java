package io.veltrix.processor.service;

import io.veltrix.processor.EventFacts;

/**
 * A valid event the processor refuses: what it was, why, and the message exactly as read from events.raw.
 *
 * @param event         what the processor read of it
 * @param violation     why it is refused
 * @param payload       the message payload, verbatim (Apicurio-framed Avro)
 * @param schemaVersion the registry version it was written with (message property), may be null
 */
public record Rejection(EventFacts event, Violation violation, byte[] payload, String schemaVersion) {
}
