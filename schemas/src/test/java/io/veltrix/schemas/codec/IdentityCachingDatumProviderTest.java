package io.veltrix.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.veltrix.events.TreasureClaimed;
import java.io.ByteArrayOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class IdentityCachingDatumProviderTest {

    private final IdentityCachingDatumProvider<GenericRecord> provider = new IdentityCachingDatumProvider<>();

    @Test
    void reusesWritersAndReadersPerSchemaInstance() {
        Schema schema = TreasureClaimed.getClassSchema();
        GenericRecord record = RegistryCodecTest.EventFixtures.treasureClaimed(schema, "e", "p", 1);
        assertSame(provider.createDatumWriter(record, schema), provider.createDatumWriter(record, schema));
        assertSame(provider.createDatumReader(schema), provider.createDatumReader(schema));
        // an equal schema parsed again is another instance: its own writer (never a writer of another schema)
        Schema copy = new Schema.Parser().parse(schema.toString());
        assertNotSame(provider.createDatumWriter(record, schema), provider.createDatumWriter(record, copy));
    }

    @Test
    void writesAndReadsBack() throws Exception {
        Schema schema = TreasureClaimed.getClassSchema();
        GenericRecord record = RegistryCodecTest.EventFixtures.treasureClaimed(schema, "e-1", "p-1", 42);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        DatumWriter<GenericRecord> writer = provider.createDatumWriter(record, schema);
        writer.write(record, encoder);
        encoder.flush();
        GenericRecord back = provider.createDatumReader(schema).read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertEquals(record, back);
    }
}
