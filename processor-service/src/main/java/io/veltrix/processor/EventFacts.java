package io.veltrix.processor;

import java.time.Instant;
import java.util.Map;

/**
 * What the processor keeps of one event: who, what, when, and the numbers metrics are made of.
 *
 * @param sourceId      the game the event came from (dedupe is per source)
 * @param eventId       the client's messageId
 * @param eventType     e.g. {@code treasure_claimed}
 * @param playerId      userId or anonymousId
 * @param occurredAt    when it happened (clock-skew corrected by ingest)
 * @param numericValues the numeric properties of the event, by name
 * @param exposure      the experiment and variant when this is an {@code experiment_viewed} event, else null
 */
public record EventFacts(String sourceId, String eventId, String eventType, String playerId, Instant occurredAt,
                         Map<String, Double> numericValues, Exposure exposure) {

    /** An exposure to an experiment's variant. */
    public record Exposure(String experimentKey, String variant) {
    }

    /** The dedupe key: event ids are unique per source. */
    public String key() {
        return sourceId + '\u0000' + eventId;
    }
}
