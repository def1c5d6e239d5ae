package io.veltrix.ingest;

import io.veltrix.schemas.rejection.Rejection;
import java.time.Instant;
import java.util.Map;

/**
 * One record of {@code events.rejected} as read back: an event (or a whole request) refused at ingest, in the
 * processor or on replay, with why. Nullable fields may be null.
 *
 * @param pulsarId       the message's id on the topic
 * @param rejectionId    unique id of this rejection
 * @param stage          ingest, processor or replay
 * @param reason         the reason code
 * @param path           JSON path of the offending value
 * @param message        what is wrong
 * @param eventType      the event type (when it could be told)
 * @param eventId        the event's id (its messageId)
 * @param playerId       userId or anonymousId
 * @param sourceId       the source (game) of the write key
 * @param writeKeyId     the write key's id
 * @param libraryName    the SDK's name ({@code context.library.name})
 * @param libraryVersion the SDK's version
 * @param schemaVersion  the registry version checked against
 * @param receivedAt     when ingest received it
 * @param rejectedAt     when it was refused
 * @param payloadFormat  json (as the client sent it) or avro (as read from events.raw)
 * @param payload        what was received, verbatim
 * @param properties     the message's properties
 */
public record StoredRejection(String pulsarId, String rejectionId, String stage, String reason, String path,
                              String message, String eventType, String eventId, String playerId, String sourceId,
                              String writeKeyId, String libraryName, String libraryVersion, String schemaVersion,
                              Instant receivedAt, Instant rejectedAt, String payloadFormat, byte[] payload,
                              Map<String, String> properties) {

    /** A rejection as read back through the events.rejected contract ({@code RejectedEvents.fromRecord}). */
    public static StoredRejection of(String pulsarId, Rejection r, Map<String, String> properties) {
        return new StoredRejection(pulsarId, r.rejectionId(), r.stage().symbol(), r.reason(), r.path(), r.message(),
                r.eventType(), r.eventId(), r.playerId(), r.sourceId(), r.writeKeyId(), r.libraryName(),
                r.libraryVersion(), r.schemaVersion(), r.receivedAt(), r.rejectedAt(), r.payloadFormat().symbol(),
                r.payload(), properties);
    }

    public String property(String name) {
        return properties.get(name);
    }
}
