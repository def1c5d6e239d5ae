package io.veltrix.schemas.rejection;

import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;

/**
 * The {@code events.rejected} contract in one place: the Avro record {@code io.veltrix.pipeline.RejectedEvent}
 * (built with whatever version of it the registry holds, read from any version) and the message properties a
 * reader filters on without decoding. Every service that writes or reads rejections goes through here.
 */
public final class RejectedEvents {

    /** Apicurio group and artifact id of the record (record-name resolution). */
    public static final String GROUP = EventCatalog.PIPELINE_GROUP;
    public static final String ARTIFACT = "RejectedEvent";
    public static final String FULL_NAME = GROUP + "." + ARTIFACT;

    /** Message property: the reason code. */
    public static final String PROP_REASON = "reason";
    /** Message property: ingest, processor or replay. */
    public static final String PROP_STAGE = "stage";
    /** Message property: {@code request} when a whole request was refused (the payload is the body). */
    public static final String PROP_SCOPE = "scope";
    /** Message property: the Segment call type (track, identify, ...), for a replay. */
    public static final String PROP_CALL_TYPE = "call_type";
    /** Message property: the batch's sentAt, for a replay's clock-skew correction. */
    public static final String PROP_BATCH_SENT_AT = "batch_sent_at";
    /** Message property: the batch's context, for a replay. */
    public static final String PROP_BATCH_CONTEXT = "batch_context";
    /** Message property: the client's IP address, for a replay. */
    public static final String PROP_CLIENT_IP = "client_ip";
    /** Message property: a replay's refusal names the rejection it replayed. */
    public static final String PROP_REPLAY_OF = "replay_of";
    /** Message property: the replay run that published the message. */
    public static final String PROP_REPLAY_ID = "replay_id";
    /**
     * Message property: the request a rejection came from; its batch context is kept once, on the request's first
     * rejection ({@link #PROP_BATCH_CONTEXT}).
     */
    public static final String PROP_REQUEST_ID = "request_id";
    /** Message property of a summary record: how many rejected events of the request it stands for. */
    public static final String PROP_OMITTED = "omitted";
    /** Value of {@link #PROP_SCOPE} for a refused request. */
    public static final String SCOPE_REQUEST = "request";
    /** Value of {@link #PROP_SCOPE} for one refused event. */
    public static final String SCOPE_EVENT = "event";
    /**
     * Value of {@link #PROP_SCOPE} for a record that counts the rejected events of a request beyond the per-request
     * limit of records ({@link #PROP_OMITTED} of them); its payload is a JSON summary, not an event.
     */
    public static final String SCOPE_SUMMARY = "summary";

    private RejectedEvents() {
    }

    /** The Avro record of a rejection, in the given version of the RejectedEvent schema. */
    public static GenericRecord toRecord(Schema schema, Rejection r) {
        if (!FULL_NAME.equals(schema.getFullName())) {
            throw new IllegalArgumentException("not the RejectedEvent schema: " + schema.getFullName());
        }
        return new GenericRecordBuilder(schema)
                .set("rejection_id", r.rejectionId())
                .set("stage", new GenericData.EnumSymbol(schema.getField("stage").schema(), r.stage().symbol()))
                .set("reason", r.reason())
                .set("path", r.path())
                .set("message", r.message())
                .set("event_type", r.eventType())
                .set("event_id", r.eventId())
                .set("player_id", r.playerId())
                .set("source_id", r.sourceId())
                .set("write_key_id", r.writeKeyId())
                .set("library_name", r.libraryName())
                .set("library_version", r.libraryVersion())
                .set("schema_version", r.schemaVersion())
                .set("received_at", r.receivedAt().toEpochMilli())
                .set("rejected_at", r.rejectedAt().toEpochMilli())
                .set("payload_format", new GenericData.EnumSymbol(schema.getField("payload_format").schema(),
                        r.payloadFormat().symbol()))
                .set("payload", ByteBuffer.wrap(r.payload()))
                .build();
    }

    /**
     * A rejection read back from its record, whatever version of the schema wrote it (fields it lacks are null).
     *
     * @throws IllegalArgumentException when the record is not a RejectedEvent
     */
    public static Rejection fromRecord(GenericRecord r) {
        if (!FULL_NAME.equals(r.getSchema().getFullName())) {
            throw new IllegalArgumentException("not a RejectedEvent: " + r.getSchema().getFullName());
        }
        return new Rejection(text(r, "rejection_id"), Rejection.Stage.of(text(r, "stage")), text(r, "reason"),
                text(r, "path"), text(r, "message"), text(r, "event_type"), text(r, "event_id"), text(r, "player_id"),
                text(r, "source_id"), text(r, "write_key_id"), text(r, "library_name"), text(r, "library_version"),
                text(r, "schema_version"), instant(r, "received_at"), instant(r, "rejected_at"),
                Rejection.PayloadFormat.of(text(r, "payload_format")), bytes(r, "payload"));
    }

    /**
     * The message properties of a rejection: what a reader filters on without decoding ({@code reason},
     * {@code stage}, source, event type and id, schema version), plus the {@code extra} ones (what a replay needs).
     */
    public static Map<String, String> properties(Rejection r, Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(extra);
        properties.put(PROP_REASON, r.reason());
        properties.put(PROP_STAGE, r.stage().symbol());
        putIfPresent(properties, Topics.PROP_SOURCE_ID, r.sourceId());
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

    private static String text(GenericRecord record, String field) {
        if (record.getSchema().getField(field) == null) {
            return null;
        }
        Object value = record.get(field);
        return value == null ? null : value.toString();
    }

    private static Instant instant(GenericRecord record, String field) {
        Object value = record.getSchema().getField(field) == null ? null : record.get(field);
        if (value == null) {
            return Instant.EPOCH;
        }
        return value instanceof Instant instant ? instant : Instant.ofEpochMilli(((Number) value).longValue());
    }

    private static byte[] bytes(GenericRecord record, String field) {
        Object value = record.getSchema().getField(field) == null ? null : record.get(field);
        if (value == null) {
            return new byte[0];
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
