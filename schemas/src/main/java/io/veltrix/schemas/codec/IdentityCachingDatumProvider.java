package io.veltrix.schemas.codec;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Apicurio's datum provider, with its datum writers and readers cached by schema INSTANCE instead of by schema
 * fingerprint: Apicurio computes {@code SchemaNormalization.parsingFingerprint64} (a canonical-form rendering of the
 * whole schema) on every message, which was the single hottest method of ingest and processor in the benchmark.
 * The codec hands over the same {@link Schema} instance for the same registered version (its schemas are cached by
 * content id), so identity is a correct and cheap key. Specific records keep Apicurio's behaviour.
 */
public class IdentityCachingDatumProvider<T> extends DefaultAvroDatumProvider<T> {

    /** Far above the number of schema versions a service sees; a safety net against unexpected churn. */
    private static final int MAX_ENTRIES = 1_000;

    private record Identity(Schema schema) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity identity && identity.schema == schema;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(schema);
        }
    }

    private final ConcurrentHashMap<Identity, DatumWriter<T>> writers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Identity, DatumReader<T>> readers = new ConcurrentHashMap<>();

    @Override
    public DatumWriter<T> createDatumWriter(T data, Schema schema) {
        if (data instanceof SpecificRecord) {
            return super.createDatumWriter(data, schema);
        }
        return cached(writers, schema, () -> new LeanGenericDatumWriter<>(schema));
    }

    @Override
    public DatumReader<T> createDatumReader(Schema schema) {
        return cached(readers, schema, () -> super.createDatumReader(schema));
    }

    private static <V> V cached(ConcurrentHashMap<Identity, V> cache, Schema schema, java.util.function.Supplier<V> create) {
        V found = cache.get(new Identity(schema));
        if (found != null) {
            return found;
        }
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        return cache.computeIfAbsent(new Identity(schema), key -> create.get());
    }
}
