package io.veltrix.processor.service;

import io.veltrix.processor.EventFacts;
import io.veltrix.schemas.EventCatalog;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/** Reads {@link EventFacts} from a decoded event, whatever version of its schema it was written with. */
public final class EventFactsReader {

    private EventFactsReader() {
    }

    /** @throws IllegalArgumentException when the record is not a Veltrix event (no envelope, no ids) */
    public static EventFacts read(GenericRecord event) {
        String eventType = EventCatalog.eventType(event.getSchema().getName());
        GenericRecord envelope = field(event, "envelope") instanceof GenericRecord e ? e : null;
        if (envelope == null) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no envelope");
        }
        Map<String, Double> numbers = new LinkedHashMap<>();
        Object properties = field(event, "properties");
        if (properties instanceof GenericRecord record) {
            for (Schema.Field field : record.getSchema().getFields()) {
                Object value = record.get(field.pos());
                if (value instanceof Number number && isNumeric(field.schema())) {
                    numbers.put(field.name(), number.doubleValue());
                }
            }
        }
        EventFacts.Exposure exposure = null;
        if (EventFacts.EXPOSURE_EVENT.equals(eventType) && properties instanceof GenericRecord record) {
            exposure = new EventFacts.Exposure(text(field(record, "experiment_key")), text(field(record, "variant")));
        }
        Object library = field(envelope, "library");
        EventFacts.Origin origin = new EventFacts.Origin(text(field(envelope, "write_key_id")),
                library instanceof GenericRecord l ? text(field(l, "name")) : null,
                library instanceof GenericRecord l ? text(field(l, "version")) : null);
        Object occurredAt = field(envelope, "occurred_at");
        Object receivedAt = field(envelope, "received_at");
        if (!(occurredAt instanceof Long)) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no occurred_at");
        }
        Instant occurred = Instant.ofEpochMilli((Long) occurredAt);
        return new EventFacts(text(field(envelope, "source_id")), text(field(envelope, "event_id")), eventType,
                text(field(envelope, "player_id")), occurred,
                receivedAt instanceof Long r ? Instant.ofEpochMilli(r) : null, numbers, exposure, origin);
    }

    private static Object field(GenericRecord record, String name) {
        return record.getSchema().getField(name) == null ? null : record.get(name);
    }

    private static boolean isNumeric(Schema schema) {
        switch (schema.getType()) {
            case INT:
            case LONG:
            case FLOAT:
            case DOUBLE:
                return schema.getLogicalType() == null;
            case UNION:
                return schema.getTypes().stream().anyMatch(EventFactsReader::isNumeric);
            default:
                return false;
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
