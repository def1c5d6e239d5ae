package io.veltrix.processor.service;

import io.veltrix.processor.EventFacts;
import io.veltrix.processor.EventKeys;
import io.veltrix.schemas.EventLayout;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/**
 * Reads {@link EventFacts} from a decoded event, whatever version of its schema it was written with, through the
 * schema's {@link EventLayout} (field positions looked up once per schema, not per event).
 */
public final class EventFactsReader {

    /** @throws IllegalArgumentException when the record is not a Veltrix event (no envelope, no ids, no time) */
    public EventFacts read(GenericRecord event) {
        EventLayout layout = EventLayout.of(event.getSchema());
        GenericRecord envelope = (GenericRecord) event.get(layout.envelope());
        if (envelope == null) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no envelope");
        }
        Map<String, Double> numbers = Map.of();
        EventFacts.Exposure exposure = null;
        if (layout.properties() >= 0 && event.get(layout.properties()) instanceof GenericRecord properties) {
            for (EventLayout.NumericField field : layout.numbers()) {
                if (properties.get(field.position()) instanceof Number number) {
                    if (numbers.isEmpty()) {
                        numbers = new LinkedHashMap<>(4);
                    }
                    numbers.put(field.name(), number.doubleValue());
                }
            }
            if (EventFacts.EXPOSURE_EVENT.equals(layout.eventType())) {
                int experiment = layout.property(event.getSchema(), "experiment_key");
                int variant = layout.property(event.getSchema(), "variant");
                exposure = new EventFacts.Exposure(experiment < 0 ? null : text(properties.get(experiment)),
                        variant < 0 ? null : text(properties.get(variant)));
            }
        }
        EventLayout.Envelope e = layout.envelopeFields();
        Object library = e.library() >= 0 ? envelope.get(e.library()) : null;
        EventFacts.Origin origin = new EventFacts.Origin(e.writeKeyId() >= 0 ? text(envelope.get(e.writeKeyId())) : null,
                library instanceof GenericRecord l ? text(l.get("name")) : null,
                library instanceof GenericRecord l ? text(l.get("version")) : null);
        if (!(envelope.get(e.occurredAt()) instanceof Long occurred)) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no occurred_at");
        }
        Object received = envelope.get(e.receivedAt());
        String sourceId = text(envelope.get(e.sourceId()));
        String eventId = text(envelope.get(e.eventId()));
        if (sourceId == null || eventId == null) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no source or event id");
        }
        return new EventFacts(EventKeys.of(sourceId, eventId), sourceId, eventId, layout.eventType(),
                text(envelope.get(e.playerId())), Instant.ofEpochMilli(occurred),
                received instanceof Long r ? Instant.ofEpochMilli(r) : null,
                numbers.isEmpty() ? numbers : Collections.unmodifiableMap(numbers), exposure, origin);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
