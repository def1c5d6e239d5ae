package io.veltrix.schemas.rejection;

import java.time.Instant;
import java.util.Objects;

/**
 * One refused event as kept on {@code events.rejected} ({@code io.veltrix.pipeline.RejectedEvent}): the contract
 * between the services that write rejections (ingest, the processor, ingest's replay) and those that read them.
 * Nullable fields may be null; {@link RejectedEvents} turns it into the Avro record and the message properties.
 *
 * @param rejectionId   unique id of this rejection; the same event refused again for the same reason may reuse it
 * @param stage         where it was refused
 * @param reason        machine-readable reason code, e.g. {@code missing_required_field}
 * @param path          JSON path of the offending value, e.g. {@code $.batch[3].properties.coins}
 * @param message       human-readable explanation
 * @param payloadFormat what {@code payload} holds
 * @param payload       what was received, verbatim
 */
public record Rejection(String rejectionId, Stage stage, String reason, String path, String message, String eventType,
                        String eventId, String playerId, String sourceId, String writeKeyId, String libraryName,
                        String libraryVersion, String schemaVersion, Instant receivedAt, Instant rejectedAt,
                        PayloadFormat payloadFormat, byte[] payload) {

    public Rejection {
        Objects.requireNonNull(rejectionId, "rejectionId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(rejectedAt, "rejectedAt");
        Objects.requireNonNull(payloadFormat, "payloadFormat");
        Objects.requireNonNull(payload, "payload");
    }

    /** Where an event was refused. */
    public enum Stage {
        INGEST, PROCESSOR, REPLAY;

        /** The Avro enum symbol and message property value: {@code ingest}, {@code processor}, {@code replay}. */
        public String symbol() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Stage of(String symbol) {
            return valueOf(symbol.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** What the payload is: the event's JSON as the client sent it, or the Apicurio-framed message read from events.raw. */
    public enum PayloadFormat {
        JSON, AVRO;

        public String symbol() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static PayloadFormat of(String symbol) {
            return valueOf(symbol.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** The message key on events.rejected: the player when known, so that a player's rejections stay in order too. */
    public String key() {
        return playerId != null ? playerId : eventId != null ? eventId : writeKeyId;
    }
}
