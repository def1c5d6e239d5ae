package io.veltrix.ingest.service;

import io.veltrix.schemas.codec.RegisteredSchema;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;

/** Builds {@code io.veltrix.pipeline.RejectedEvent} records with the registry's current schema. */
final class RejectionRecords {

    private RejectionRecords() {
    }

    /** The details of one rejection; nullable fields may be null. */
    record Rejection(String reason, String path, String message, String eventType, String eventId, String playerId,
                     String sourceId, String writeKeyId, String library, String libraryVersion, String schemaVersion,
                     Instant receivedAt, byte[] payload) {
    }

    static GenericRecord build(RegisteredSchema schema, Rejection r) {
        GenericRecordBuilder builder = new GenericRecordBuilder(schema.schema())
                .set("rejection_id", UUID.randomUUID().toString())
                .set("stage", new GenericData.EnumSymbol(schema.schema().getField("stage").schema(), "ingest"))
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
                .set("payload", ByteBuffer.wrap(r.payload()));
        return builder.build();
    }
}
