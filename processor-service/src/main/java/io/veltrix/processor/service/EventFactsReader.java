package io.veltrix.processor.service;

import io.veltrix.processor.EventFacts;
import io.veltrix.processor.EventKeys;
import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.rules.EventRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Reads {@link EventFacts} from a decoded event, whatever version of its schema it was written with. Field positions
 * are looked up once per schema (the codec hands out one schema instance per content id), not per event.
 */
public final class EventFactsReader {

    private volatile Map<Schema, Plan> plans = new IdentityHashMap<>();

    /** @throws IllegalArgumentException when the record is not a Veltrix event (no envelope, no ids, no time) */
    public EventFacts read(GenericRecord event) {
        Plan plan = plan(event.getSchema());
        GenericRecord envelope = (GenericRecord) event.get(plan.envelope);
        if (envelope == null) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no envelope");
        }
        Map<String, Double> numbers = Map.of();
        EventFacts.Exposure exposure = null;
        if (plan.properties >= 0 && event.get(plan.properties) instanceof GenericRecord properties) {
            for (int i = 0; i < plan.numericPositions.length; i++) {
                if (properties.get(plan.numericPositions[i]) instanceof Number number) {
                    if (numbers.isEmpty()) {
                        numbers = new LinkedHashMap<>(4);
                    }
                    numbers.put(plan.numericNames[i], number.doubleValue());
                }
            }
            if (plan.experimentKey >= 0) {
                exposure = new EventFacts.Exposure(text(properties.get(plan.experimentKey)),
                        plan.variant >= 0 ? text(properties.get(plan.variant)) : null);
            }
        }
        EnvelopePlan e = plan.envelopePlan;
        Object library = e.library >= 0 ? envelope.get(e.library) : null;
        EventFacts.Origin origin = new EventFacts.Origin(e.writeKeyId >= 0 ? text(envelope.get(e.writeKeyId)) : null,
                library instanceof GenericRecord l ? text(l.get("name")) : null,
                library instanceof GenericRecord l ? text(l.get("version")) : null);
        if (!(envelope.get(e.occurredAt) instanceof Long occurred)) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no occurred_at");
        }
        Object received = envelope.get(e.receivedAt);
        String sourceId = text(envelope.get(e.sourceId));
        String eventId = text(envelope.get(e.eventId));
        if (sourceId == null || eventId == null) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no source or event id");
        }
        return new EventFacts(EventKeys.of(sourceId, eventId), sourceId, eventId, plan.eventType,
                text(envelope.get(e.playerId)), Instant.ofEpochMilli(occurred),
                received instanceof Long r ? Instant.ofEpochMilli(r) : null,
                numbers.isEmpty() ? numbers : Collections.unmodifiableMap(numbers), exposure, origin);
    }

    private Plan plan(Schema schema) {
        Plan plan = plans.get(schema);
        if (plan == null) {
            plan = new Plan(schema);
            synchronized (this) {
                Map<Schema, Plan> copy = new IdentityHashMap<>(plans);
                copy.put(schema, plan);
                plans = copy;
            }
        }
        return plan;
    }

    private static final class Plan {
        final String eventType;
        final int envelope;
        final EnvelopePlan envelopePlan;
        final int properties;
        final int[] numericPositions;
        final String[] numericNames;
        final int experimentKey;
        final int variant;

        Plan(Schema schema) {
            eventType = EventCatalog.eventType(schema.getName());
            Schema.Field envelopeField = schema.getField("envelope");
            if (envelopeField == null || envelopeField.schema().getType() != Schema.Type.RECORD) {
                throw new IllegalArgumentException(schema.getFullName() + " has no envelope");
            }
            envelope = envelopeField.pos();
            envelopePlan = new EnvelopePlan(envelopeField.schema());
            Schema.Field propertiesField = schema.getField("properties");
            List<Schema.Field> numeric = new ArrayList<>();
            if (propertiesField != null && propertiesField.schema().getType() == Schema.Type.RECORD) {
                properties = propertiesField.pos();
                Schema props = propertiesField.schema();
                for (Schema.Field field : props.getFields()) {
                    if (EventRules.isNumeric(field.schema())) {
                        numeric.add(field);
                    }
                }
                boolean exposure = EventFacts.EXPOSURE_EVENT.equals(eventType);
                experimentKey = exposure && props.getField("experiment_key") != null ? props.getField("experiment_key").pos() : -1;
                variant = exposure && props.getField("variant") != null ? props.getField("variant").pos() : -1;
            } else {
                properties = -1;
                experimentKey = -1;
                variant = -1;
            }
            numericPositions = numeric.stream().mapToInt(Schema.Field::pos).toArray();
            numericNames = numeric.stream().map(Schema.Field::name).toArray(String[]::new);
        }
    }

    private static final class EnvelopePlan {
        final int eventId;
        final int playerId;
        final int sourceId;
        final int occurredAt;
        final int receivedAt;
        final int writeKeyId;
        final int library;

        EnvelopePlan(Schema envelope) {
            eventId = pos(envelope, "event_id");
            playerId = pos(envelope, "player_id");
            sourceId = pos(envelope, "source_id");
            occurredAt = pos(envelope, "occurred_at");
            receivedAt = pos(envelope, "received_at");
            writeKeyId = pos(envelope, "write_key_id");
            library = pos(envelope, "library");
            if (eventId < 0 || playerId < 0 || sourceId < 0 || occurredAt < 0 || receivedAt < 0) {
                throw new IllegalArgumentException(envelope.getFullName() + " lacks a required envelope field");
            }
        }

        private static int pos(Schema record, String name) {
            Schema.Field field = record.getField(name);
            return field == null ? -1 : field.pos();
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
