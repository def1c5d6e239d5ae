package io.veltrix.ingest.service;

import io.veltrix.ingest.messaging.RejectionProperties;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.RegisteredSchema;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;

/** Builds {@code io.veltrix.pipeline.RejectedEvent} records with the registry's current schema, and their properties. */
final class RejectionRecords {

    static final String STAGE_INGEST = "ingest";
    static final String STAGE_REPLAY = "replay";

    private RejectionRecords() {
    }

    /**
     * The details of one rejection; nullable fields may be null.
     *
     * @param stage      ingest or replay
     * @param properties extra message properties (see {@link RejectionProperties})
     */
    record Rejection(String stage, String reason, String path, String message, String eventType, String eventId,
                     String playerId, String sourceId, String writeKeyId, String library, String libraryVersion,
                     String schemaVersion, Instant receivedAt, byte[] payload, Map<String, String> properties) {

        /** The message key: the player when known, so a player's rejections stay in order too. */
        String key() {
            return playerId != null ? playerId : eventId != null ? eventId : writeKeyId;
        }
    }

    static GenericRecord build(RegisteredSchema schema, Rejection r) {
        return new GenericRecordBuilder(schema.schema())
                .set("rejection_id", UUID.randomUUID().toString())
                .set("stage", new GenericData.EnumSymbol(schema.schema().getField("stage").schema(), r.stage()))
                .set("reason", r.reason())
                .set("path", r.path())
                .set("message", r.message())
                .set("event_type", r.eventType())
                .set("event_id", r.eventId())
                .set("player_id", r.playerId())
                .set("source_id", r.sourceId())
                .set("write_key_id", r.writeKeyId())
                .set("library_name", r.library())
                .set("library_version", r.libraryVersion())
                .set("schema_version", r.schemaVersion())
                .set("received_at", r.receivedAt().toEpochMilli())
                .set("rejected_at", Instant.now().toEpochMilli())
                .set("payload_format", new GenericData.EnumSymbol(schema.schema().getField("payload_format").schema(), "json"))
                .set("payload", ByteBuffer.wrap(r.payload()))
                .build();
    }

    /** The message properties: what a reader filters on without decoding, and what a replay needs besides the payload. */
    static Map<String, String> properties(Rejection r) {
        Map<String, String> properties = new HashMap<>(r.properties());
        properties.put(RejectionProperties.REASON, r.reason());
        properties.put(RejectionProperties.STAGE, r.stage());
        properties.put(Topics.PROP_SOURCE_ID, r.sourceId());
        putIfPresent(properties, Topics.PROP_EVENT_TYPE, r.eventType());
        putIfPresent(properties, Topics.PROP_EVENT_ID, r.eventId());
        putIfPresent(properties, Topics.PROP_SCHEMA_VERSION, r.schemaVersion());
        return properties;
    }

    private static void putIfPresent(Map<String, String> properties, String name, String value) {
        if (value != null) {
            properties.put(name, value);
        }
    }
}
