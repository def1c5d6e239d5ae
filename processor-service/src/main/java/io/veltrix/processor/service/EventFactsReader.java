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

    static final String EXPOSURE_EVENT = "experiment_viewed";

    private EventFactsReader() {
    }

    public static EventFacts read(GenericRecord event) {
        String eventType = EventCatalog.eventType(event.getSchema().getName());
        GenericRecord envelope = (GenericRecord) event.get("envelope");
        if (envelope == null) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no envelope");
        }
        Map<String, Double> numbers = new LinkedHashMap<>();
        Object properties = event.getSchema().getField("properties") == null ? null : event.get("properties");
        if (properties instanceof GenericRecord record) {
            for (Schema.Field field : record.getSchema().getFields()) {
                Object value = record.get(field.pos());
                if (value instanceof Number number && isNumeric(field.schema())) {
                    numbers.put(field.name(), number.doubleValue());
                }
            }
        }
        EventFacts.Exposure exposure = null;
        if (EXPOSURE_EVENT.equals(eventType) && properties instanceof GenericRecord record) {
            exposure = new EventFacts.Exposure(text(record.get("experiment_key")), text(record.get("variant")));
        }
        return new EventFacts(text(envelope.get("source_id")), text(envelope.get("event_id")), eventType,
                text(envelope.get("player_id")), Instant.ofEpochMilli((Long) envelope.get("occurred_at")), numbers, exposure);
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
