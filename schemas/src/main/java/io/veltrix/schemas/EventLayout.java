package io.veltrix.schemas;

import io.veltrix.schemas.rules.EventRules;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Where things are in the Avro record of an event, whatever version of its schema: the envelope's fields, the
 * properties record, its numeric and text fields. Looked up once per schema instance (field look-ups by name, and
 * {@link Schema#hashCode}, walk the schema: too slow per event), for everyone who reads events field by field.
 *
 * @param eventType  the event type ({@code treasure_claimed}) of the record's name
 * @param envelope   position of the envelope in the event
 * @param properties position of the properties record, or -1 when the event type has none
 * @param numbers    the numeric fields of the properties (plain numbers, not timestamps), with their allowed range
 * @param texts      the text fields of the properties
 */
public record EventLayout(String eventType, int envelope, Envelope envelopeFields, int properties, List<NumericField> numbers,
                          List<TextField> texts) {

    /** Positions in the envelope; -1 for a field the schema version lacks (only the optional ones may be). */
    public record Envelope(int eventId, int playerId, int userId, int anonymousId, int sourceId, int writeKeyId,
                           int occurredAt, int receivedAt, int library) {
    }

    /** A numeric property: its position, name and the range the aggregates accept ({@link EventRules#range}). */
    public record NumericField(int position, String name, String path, double min, double max) {
    }

    /** A text property; {@code path} is its JSON path in the event as sent ({@code $.properties.<name>}). */
    public record TextField(int position, String name, String path) {
    }

    private static volatile Map<Schema, EventLayout> layouts = new IdentityHashMap<>();

    /** The layout of an event schema (cached per schema instance). */
    public static EventLayout of(Schema schema) {
        EventLayout layout = layouts.get(schema);
        if (layout == null) {
            layout = compute(schema);
            synchronized (EventLayout.class) {
                Map<Schema, EventLayout> copy = new IdentityHashMap<>(layouts);
                copy.put(schema, layout);
                layouts = copy;
            }
        }
        return layout;
    }

    /** The position of a property by name, or -1. */
    public int property(Schema schema, String name) {
        if (properties < 0) {
            return -1;
        }
        Schema.Field field = schema.getFields().get(properties).schema().getField(name);
        return field == null ? -1 : field.pos();
    }

    /** @throws IllegalArgumentException when the schema is not an event's (no envelope with ids and times) */
    private static EventLayout compute(Schema schema) {
        Schema.Field envelopeField = schema.getField("envelope");
        if (envelopeField == null || envelopeField.schema().getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(schema.getFullName() + " has no envelope");
        }
        Schema e = envelopeField.schema();
        Envelope envelope = new Envelope(required(e, "event_id"), required(e, "player_id"), pos(e, "user_id"),
                pos(e, "anonymous_id"), required(e, "source_id"), pos(e, "write_key_id"), required(e, "occurred_at"),
                required(e, "received_at"), pos(e, "library"));
        Schema.Field propertiesField = schema.getField("properties");
        List<NumericField> numbers = new ArrayList<>();
        List<TextField> texts = new ArrayList<>();
        int properties = -1;
        if (propertiesField != null && propertiesField.schema().getType() == Schema.Type.RECORD) {
            properties = propertiesField.pos();
            for (Schema.Field field : propertiesField.schema().getFields()) {
                if (EventRules.isNumeric(field.schema())) {
                    double[] range = EventRules.range(field);
                    numbers.add(new NumericField(field.pos(), field.name(), "$.properties." + field.name(), range[0], range[1]));
                } else if (isText(field.schema())) {
                    texts.add(new TextField(field.pos(), field.name(), "$.properties." + field.name()));
                }
            }
        }
        return new EventLayout(EventCatalog.eventType(schema.getName()), envelopeField.pos(), envelope, properties,
                List.copyOf(numbers), List.copyOf(texts));
    }

    private static boolean isText(Schema schema) {
        if (schema.getType() == Schema.Type.STRING) {
            return true;
        }
        return schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(branch -> branch.getType() == Schema.Type.STRING);
    }

    private static int pos(Schema record, String name) {
        Schema.Field field = record.getField(name);
        return field == null ? -1 : field.pos();
    }

    private static int required(Schema record, String name) {
        int pos = pos(record, name);
        if (pos < 0) {
            throw new IllegalArgumentException(record.getFullName() + " has no " + name);
        }
        return pos;
    }
}
