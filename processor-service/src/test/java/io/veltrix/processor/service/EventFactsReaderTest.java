package io.veltrix.processor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.veltrix.events.ClueFound;
import io.veltrix.events.ExperimentViewed;
import io.veltrix.events.PurchaseCompleted;
import io.veltrix.processor.EventFacts;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.junit.jupiter.api.Test;

class EventFactsReaderTest {

    private static final Instant AT = Instant.parse("2026-11-26T10:15:30Z");

    private static GenericRecord event(Schema schema, Map<String, Object> properties) {
        Schema envelopeSchema = schema.getField("envelope").schema();
        GenericRecord envelope = new GenericRecordBuilder(envelopeSchema)
                .set("event_id", "e-1").set("player_id", "p-1").set("occurred_at", AT.toEpochMilli())
                .set("received_at", AT.plusSeconds(1).toEpochMilli()).set("source_id", "game").set("write_key_id", "k")
                .set("library", new GenericRecordBuilder(envelopeSchema.getField("library").schema()).set("name", "sdk").build())
                .set("context", new GenericRecordBuilder(envelopeSchema.getField("context").schema()).build())
                .build();
        GenericRecordBuilder props = new GenericRecordBuilder(schema.getField("properties").schema());
        properties.forEach(props::set);
        return new GenericRecordBuilder(schema).set("envelope", envelope).set("properties", props.build()).build();
    }

    @Test
    void keepsNumericPropertiesAsMetricValues() {
        EventFacts facts = new EventFactsReader().read(event(PurchaseCompleted.getClassSchema(), Map.of("order_id", "o",
                "product_id", "p", "revenue", 9.99, "currency", "EUR", "quantity", 3)));
        assertEquals("purchase_completed", facts.eventType());
        assertEquals(Map.of("revenue", 9.99, "quantity", 3.0), facts.numericValues());
        assertEquals(AT, facts.occurredAt());
        assertEquals(AT.plusSeconds(1), facts.receivedAt());
        assertEquals("game", facts.sourceId());
        assertEquals("e-1", facts.eventId());
        assertEquals(io.veltrix.processor.EventKeys.of("game", "e-1"), facts.key());
        assertEquals("sdk", facts.origin().libraryName());
        assertNull(facts.exposure());
    }

    @Test
    void anAbsentOptionalNumberIsNoValue() {
        EventFacts facts = new EventFactsReader().read(event(ClueFound.getClassSchema(), Map.of("session_id", "s", "hunt_id", "h",
                "clue_id", "c", "clue_index", 2, "hint_used", false)));
        assertEquals(Map.of("clue_index", 2.0), facts.numericValues());
    }

    @Test
    void readsAnExposure() {
        EventFacts facts = new EventFactsReader().read(event(ExperimentViewed.getClassSchema(),
                Map.of("experiment_key", "reward-boost", "variant", "boost")));
        assertEquals(new EventFacts.Exposure("reward-boost", "boost"), facts.exposure());
        assertEquals(EventFacts.EXPOSURE_EVENT, facts.eventType());
    }
}
