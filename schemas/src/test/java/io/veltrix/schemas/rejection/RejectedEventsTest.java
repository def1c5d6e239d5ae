package io.veltrix.schemas.rejection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.veltrix.pipeline.RejectedEvent;
import io.veltrix.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class RejectedEventsTest {

    private static final Rejection REJECTION = new Rejection("r-1", Rejection.Stage.PROCESSOR, "invalid_number",
            "$.properties.revenue", "revenue is NaN", "purchase_completed", "e-1", "player-1", "treasure-hunt", "k1",
            "analytics-node", "3.1.0", "2", Instant.parse("2026-11-30T10:00:00Z"), Instant.parse("2026-11-30T10:00:01Z"),
            Rejection.PayloadFormat.AVRO, "payload".getBytes(StandardCharsets.UTF_8));

    @Test
    void aRejectionSurvivesTheAvroRoundTrip() throws IOException {
        Schema schema = RejectedEvent.getClassSchema();
        GenericRecord record = RejectedEvents.toRecord(schema, REJECTION);
        GenericRecord decoded = roundTrip(schema, record);
        Rejection back = RejectedEvents.fromRecord(decoded);
        assertEquals(REJECTION.rejectionId(), back.rejectionId());
        assertEquals(REJECTION.stage(), back.stage());
        assertEquals(REJECTION.path(), back.path());
        assertEquals(REJECTION.libraryVersion(), back.libraryVersion());
        assertEquals(REJECTION.receivedAt(), back.receivedAt());
        assertEquals(REJECTION.rejectedAt(), back.rejectedAt());
        assertEquals(REJECTION.payloadFormat(), back.payloadFormat());
        assertArrayEquals(REJECTION.payload(), back.payload());
        // the symbols the topic has always held
        assertEquals("processor", decoded.get("stage").toString());
        assertEquals("avro", decoded.get("payload_format").toString());
    }

    @Test
    void thePropertiesNameWhatReadersFilterOn() {
        Map<String, String> properties = RejectedEvents.properties(REJECTION, Map.of(RejectedEvents.PROP_REPLAY_OF, "r-0"));
        assertEquals(Map.of("reason", "invalid_number", "stage", "processor", Topics.PROP_SOURCE_ID, "treasure-hunt",
                Topics.PROP_EVENT_TYPE, "purchase_completed", Topics.PROP_EVENT_ID, "e-1",
                Topics.PROP_SCHEMA_VERSION, "2", "replay_of", "r-0"), properties);
        assertEquals("player-1", REJECTION.key());
    }

    @Test
    void onlyTheRejectedEventSchemaIsAccepted() {
        Schema other = io.veltrix.events.ClueFound.getClassSchema();
        assertThrows(IllegalArgumentException.class, () -> RejectedEvents.toRecord(other, REJECTION));
    }

    private static GenericRecord roundTrip(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(schema).read(null,
                DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
}
