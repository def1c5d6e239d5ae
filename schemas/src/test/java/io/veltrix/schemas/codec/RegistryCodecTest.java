package io.veltrix.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.veltrix.events.TreasureClaimed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Framing and encoding only: what needs a registry is tested against the real one in system-tests. */
class RegistryCodecTest {

    private static final Schema SCHEMA = TreasureClaimed.getClassSchema();
    private static RegistryCodec codec;

    @BeforeAll
    static void codec() {
        // nothing listens there: encode() and contentId() must not need the registry
        codec = RegistryCodec.connect("http://127.0.0.1:9/apis/registry/v3", null);
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    @Test
    void encodesApicurioFramingWithTheChosenContentId() throws IOException {
        GenericRecord record = EventFixtures.treasureClaimed(SCHEMA, "evt-1", "player-1", 250);
        byte[] payload = codec.encode(new RegisteredSchema("io.veltrix.events", "TreasureClaimed", "3", 4242, SCHEMA), record);

        assertEquals(0, payload[0], "magic byte");
        assertEquals(4242, ByteBuffer.wrap(payload, 1, 4).getInt(), "4-byte content id");
        assertEquals(4242, RegistryCodec.contentId(payload));

        byte[] avro = Arrays.copyOfRange(payload, 5, payload.length);
        GenericRecord back = new GenericDatumReader<GenericRecord>(SCHEMA)
                .read(null, DecoderFactory.get().binaryDecoder(avro, null));
        assertEquals(record, back);
    }

    @Test
    void refusesARecordThatDoesNotFitItsSchema() {
        GenericRecord record = EventFixtures.treasureClaimed(SCHEMA, "evt-2", "player-1", 250);
        ((GenericRecord) record.get("properties")).put("treasure_id", null);
        CodecException e = assertThrows(CodecException.class, () ->
                codec.encode(new RegisteredSchema("io.veltrix.events", "TreasureClaimed", "1", 1, SCHEMA), record));
        assertEquals(CodecException.Kind.MALFORMED, e.kind());
    }

    @Test
    void recognisesPayloadsThatAreNotFramed() {
        for (byte[] bad : new byte[][] {null, {}, {0, 0, 0}, {1, 0, 0, 0, 7, 2}, "{\"json\":true}".getBytes()}) {
            CodecException e = assertThrows(CodecException.class, () -> RegistryCodec.contentId(bad));
            assertEquals(CodecException.Kind.MALFORMED, e.kind());
            CodecException decoded = assertThrows(CodecException.class, () -> codec.decode(bad));
            assertEquals(CodecException.Kind.MALFORMED, decoded.kind());
        }
    }

    @Test
    void contentIdsAreUnsigned() {
        byte[] payload = {0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe, 0};
        assertEquals(4294967294L, RegistryCodec.contentId(payload));
        assertArrayEquals(new byte[] {0}, Arrays.copyOfRange(payload, 5, 6));
    }

    @Test
    void anUnreachableRegistryIsTransient() {
        CodecException e = assertThrows(CodecException.class, () -> codec.schemaByContentId(1));
        assertEquals(CodecException.Kind.REGISTRY_UNAVAILABLE, e.kind());
        assertEquals(true, e.isTransient());
    }

    static final class EventFixtures {
        static GenericRecord treasureClaimed(Schema schema, String eventId, String playerId, long coins) {
            Schema envelopeSchema = schema.getField("envelope").schema();
            GenericRecord library = new GenericData.Record(envelopeSchema.getField("library").schema());
            library.put("name", "analytics-java");
            library.put("version", "3.5.1");
            GenericRecord context = new GenericData.Record(envelopeSchema.getField("context").schema());
            GenericRecord envelope = new GenericData.Record(envelopeSchema);
            envelope.put("event_id", eventId);
            envelope.put("player_id", playerId);
            envelope.put("user_id", playerId);
            envelope.put("occurred_at", 1_790_000_000_000L);
            envelope.put("received_at", 1_790_000_000_100L);
            envelope.put("source_id", "treasure-hunt");
            envelope.put("write_key_id", "th-ios");
            envelope.put("library", library);
            envelope.put("context", context);
            Schema propertiesSchema = schema.getField("properties").schema();
            GenericRecord properties = new GenericData.Record(propertiesSchema);
            properties.put("session_id", "s-1");
            properties.put("hunt_id", "h-1");
            properties.put("treasure_id", "t-1");
            properties.put("tier", new GenericData.EnumSymbol(propertiesSchema.getField("tier").schema(), "rare"));
            properties.put("coins", coins);
            GenericRecord event = new GenericData.Record(schema);
            event.put("envelope", envelope);
            event.put("properties", properties);
            return event;
        }
    }
}
