package io.veltrix.processor;

import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.RegisteredSchema;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.PulsarClients;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.pulsar.client.api.BatcherBuilder;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * Publishes events to events.raw the way ingest does (Apicurio-framed with the registry's latest schema, key =
 * player, properties event_type / event_id / source_id / schema_version), so processor tests need no ingest.
 */
public final class RawEvents implements AutoCloseable {

    public static final String SOURCE = "processor-tests";

    private final RegistryCodec codec;
    private final PulsarClient client;
    private final Producer<byte[]> producer;
    private final Map<String, RegisteredSchema> schemas = new HashMap<>();

    public RawEvents(StackInfo stack) {
        try {
            this.codec = RegistryCodec.connect(stack.registryUrl(), null);
            this.client = PulsarClients.operator(stack);
            this.producer = client.newProducer(org.apache.pulsar.client.api.Schema.BYTES).topic(Topics.RAW)
                    .batcherBuilder(BatcherBuilder.KEY_BASED).create();
        } catch (PulsarClientException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An event of {@code eventType} with the given properties (the rest of the envelope is filled in). */
    public GenericRecord event(String eventType, String eventId, String player, Instant occurredAt, Map<String, Object> properties) {
        RegisteredSchema schema = schema(eventType);
        Schema envelopeSchema = schema.schema().getField("envelope").schema();
        GenericRecord library = new GenericRecordBuilder(envelopeSchema.getField("library").schema())
                .set("name", "processor-tests").set("version", "1").build();
        GenericRecord context = new GenericRecordBuilder(envelopeSchema.getField("context").schema()).build();
        GenericRecord envelope = new GenericRecordBuilder(envelopeSchema)
                .set("event_id", eventId).set("player_id", player).set("user_id", player)
                .set("occurred_at", occurredAt.toEpochMilli()).set("received_at", Instant.now().toEpochMilli())
                .set("source_id", SOURCE).set("write_key_id", "tests").set("library", library).set("context", context)
                .build();
        Schema propertiesSchema = schema.schema().getField("properties").schema();
        GenericRecordBuilder props = new GenericRecordBuilder(propertiesSchema);
        properties.forEach((name, value) -> {
            Schema fieldSchema = propertiesSchema.getField(name).schema();
            props.set(name, fieldSchema.getType() == Schema.Type.ENUM ? new GenericData.EnumSymbol(fieldSchema, value) : value);
        });
        return new GenericRecordBuilder(schema.schema()).set("envelope", envelope).set("properties", props.build()).build();
    }

    public GenericRecord treasureClaimed(String eventId, String player, Instant at, long coins) {
        return event("treasure_claimed", eventId, player, at, Map.of("session_id", "s", "hunt_id", "h",
                "treasure_id", "t", "tier", "rare", "coins", coins));
    }

    public GenericRecord purchase(String eventId, String player, Instant at, double revenue, int quantity) {
        return event("purchase_completed", eventId, player, at, Map.of("order_id", eventId, "product_id", "gems-100",
                "revenue", revenue, "currency", "EUR", "quantity", quantity));
    }

    public GenericRecord exposure(String eventId, String player, Instant at, String experiment, String variant) {
        return event("experiment_viewed", eventId, player, at, Map.of("experiment_key", experiment, "variant", variant));
    }

    /** Publishes and waits until Pulsar acknowledged; returns the payloads, in order. */
    public List<byte[]> publish(GenericRecord... events) {
        CompletableFuture<?>[] sent = new CompletableFuture<?>[events.length];
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            GenericRecord event = events[i];
            String eventType = EventCatalog.eventType(event.getSchema().getName());
            RegisteredSchema schema = schema(eventType);
            GenericRecord envelope = (GenericRecord) event.get("envelope");
            byte[] payload = encode(event);
            payloads.add(payload);
            sent[i] = producer.newMessage().key(envelope.get("player_id").toString()).value(payload)
                    .property(Topics.PROP_EVENT_TYPE, eventType)
                    .property(Topics.PROP_EVENT_ID, envelope.get("event_id").toString())
                    .property(Topics.PROP_SOURCE_ID, SOURCE)
                    .property(Topics.PROP_SCHEMA_VERSION, schema.version())
                    .sendAsync();
        }
        await(sent);
        return payloads;
    }

    /** The event as ingest would publish it: Apicurio-framed with the registry's latest schema of its type. */
    public byte[] encode(GenericRecord event) {
        return codec.encode(schema(EventCatalog.eventType(event.getSchema().getName())), event);
    }

    /** Publishes raw bytes (e.g. a poison message) with a key and an event_id property. */
    public void publishBytes(String key, String eventId, byte[] payload) {
        await(producer.newMessage().key(key).value(payload).property(Topics.PROP_EVENT_ID, eventId).sendAsync());
    }

    private static void await(CompletableFuture<?>... sent) {
        try {
            CompletableFuture.allOf(sent).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("publishing to events.raw failed", e);
        }
    }

    private RegisteredSchema schema(String eventType) {
        return schemas.computeIfAbsent(eventType, type -> codec.latest(EventCatalog.EVENTS_GROUP, EventCatalog.artifactId(type))
                .orElseThrow(() -> new IllegalStateException(type + " is not registered")));
    }

    @Override
    public void close() {
        try {
            producer.close();
            client.close();
        } catch (PulsarClientException e) {
            // test clean-up
        }
        codec.close();
    }
}
