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
 * @param receivedAt    when ingest received it
 * @param numericValues the numeric properties of the event, by name
 * @param exposure      the experiment and variant when this is an {@code experiment_viewed} event, else null
 * @param origin        who sent it (kept on a rejection)
 */
public record EventFacts(String sourceId, String eventId, String eventType, String playerId, Instant occurredAt,
                         Instant receivedAt, Map<String, Double> numericValues, Exposure exposure, Origin origin) {

    /** The event type of exposures: never a metric itself. */
    public static final String EXPOSURE_EVENT = "experiment_viewed";

    /** An exposure to an experiment's variant. */
    public record Exposure(String experimentKey, String variant) {
    }

    /** The write key and SDK an event came through. */
    public record Origin(String writeKeyId, String libraryName, String libraryVersion) {
        public static final Origin UNKNOWN = new Origin(null, null, null);
    }

    /** The dedupe key: event ids are unique per source. */
    public String key() {
        return sourceId + '\u0000' + eventId;
    }
}
