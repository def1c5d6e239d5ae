package io.veltrix.processor.mapping;

import io.veltrix.processor.EventFacts;
import io.veltrix.processor.service.Rejection;
import io.veltrix.schemas.codec.RegisteredSchema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;

/** Builds {@code io.veltrix.pipeline.RejectedEvent} records (stage {@code processor}) with the registry's schema. */
public final class RejectionRecords {

    private RejectionRecords() {
    }

    public static GenericRecord build(RegisteredSchema schema, Rejection rejection, Instant now) {
        EventFacts event = rejection.event();
        Instant received = event.receivedAt() != null ? event.receivedAt() : now;
        return new GenericRecordBuilder(schema.schema())
                .set("rejection_id", rejectionId(rejection))
                .set("stage", new GenericData.EnumSymbol(schema.schema().getField("stage").schema(), "processor"))
                .set("reason", rejection.violation().reason())
                .set("path", rejection.violation().path())
                .set("message", rejection.violation().message())
                .set("event_type", event.eventType())
                .set("event_id", event.eventId())
                .set("player_id", event.playerId())
                .set("source_id", event.sourceId())
                .set("write_key_id", event.origin().writeKeyId())
                .set("library_name", event.origin().libraryName())
                .set("library_version", event.origin().libraryVersion())
                .set("schema_version", rejection.schemaVersion())
                .set("received_at", received.toEpochMilli())
                .set("rejected_at", now.toEpochMilli())
                .set("payload_format", new GenericData.EnumSymbol(schema.schema().getField("payload_format").schema(), "avro"))
                .set("payload", ByteBuffer.wrap(rejection.payload()))
                .build();
    }

    /**
     * The same event refused for the same reason gets the same id: a rejection published again (the batch was
     * redelivered after a crash) is recognizable as the same one.
     */
    public static String rejectionId(Rejection rejection) {
        String name = "processor\u0000" + rejection.event().sourceId() + '\u0000' + rejection.event().eventId()
                + '\u0000' + rejection.violation().reason();
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
