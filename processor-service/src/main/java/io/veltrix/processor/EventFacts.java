package io.veltrix.processor;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What the processor keeps of one event: who, what, when, and the numbers metrics are made of.
 *
 * @param key           the event key ({@link EventKeys#of}: source and event id); an event is identified by its
 *                      player and its key ({@link #identity()})
 * @param sourceId      the game the event came from (dedupe is per source)
 * @param eventId       the client's messageId
 * @param eventType     e.g. {@code treasure_claimed}
 * @param playerId      userId or anonymousId
 * @param occurredAt    when it happened (clock-skew corrected by ingest)
 * @param receivedAt    when ingest received it
 * @param numericValues the numeric properties of the event, by name (empty when it has none)
 * @param exposure      the experiment and variant when this is an {@code experiment_viewed} event, else null
 * @param origin        who sent it (kept on a rejection)
 */
public record EventFacts(UUID key, String sourceId, String eventId, String eventType, String playerId, Instant occurredAt,
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

    /**
     * What makes two events copies of each other: the same player and the same key (source and event id). A client's
     * retry carries the same player; two players whose clients happen to produce the same messageId are two events.
     */
    public record Identity(String playerId, UUID key) {
    }

    public Identity identity() {
        return new Identity(playerId, key);
    }

    /** Whether the event adds to metrics (every event but exposures). */
    public boolean isMetric() {
        return exposure == null && !EXPOSURE_EVENT.equals(eventType);
    }
}
