package io.veltrix.ingest.support;

import io.veltrix.events.Envelope;
import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.registry.SchemaRegistrar;
import io.veltrix.stack.StackInfo;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * Event types of a test's own, registered in the shared test registry the way the project registers its catalogue
 * (SchemaRegistrar: BACKWARD compatibility and FULL validity rules), so a test can change them without touching
 * what other tests use.
 */
public final class ProbeSchemas {

    private ProbeSchemas() {
    }

    /** A fresh event type name, e.g. {@code replay_probe_kqzxwmva}. */
    public static String newEventType(String prefix) {
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            suffix.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return prefix.toLowerCase(Locale.ROOT) + "_" + suffix;
    }

    /** The schema of a track event type with the envelope and the given properties record fields. */
    public static Schema trackSchema(String eventType, SchemaBuilder.FieldAssembler<Schema> properties) {
        String name = EventCatalog.recordName(eventType);
        return SchemaBuilder.record(name).namespace(EventCatalog.EVENTS_GROUP)
                .doc("test-only event type " + eventType)
                .fields()
                .name("envelope").type(Envelope.getClassSchema()).noDefault()
                .name("properties").type(properties.endRecord()).noDefault()
                .endRecord();
    }

    /** Properties record builder for {@link #trackSchema}. */
    public static SchemaBuilder.FieldAssembler<Schema> properties(String eventType) {
        return SchemaBuilder.record(EventCatalog.recordName(eventType) + "Properties")
                .namespace(EventCatalog.EVENTS_GROUP).fields();
    }

    /** Registers (or adds a version to) the artifact as the registration step does; returns its report line. */
    public static String register(StackInfo stack, Schema schema) {
        return SchemaRegistrar.register(stack.registryUrl(), stack.registryWriter(), List.of(schema)).get(0);
    }
}
