package io.veltrix.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventCatalogTest {

    @ParameterizedTest
    @CsvSource({
            "treasure_claimed, treasure_claimed",
            "Treasure Claimed, treasure_claimed",
            "  treasure-claimed ', treasure_claimed",
            "Experiment Viewed, experiment_viewed",
            "identify, identify",
            "level2 completed, level2_completed"
    })
    void normalizesWhatClientsSend(String sent, String expected) {
        assertEquals(Optional.of(expected), EventCatalog.normalize(sent.replace("'", "")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "2fast", "treasure__claimed", "_x", "trésor", "a/b", "x_"})
    void refusesNamesThatCannotBeEventTypes(String sent) {
        assertEquals(Optional.empty(), EventCatalog.normalize(sent));
    }

    @Test
    void refusesOverlongNames() {
        assertEquals(Optional.empty(), EventCatalog.normalize("a".repeat(EventCatalog.MAX_EVENT_TYPE_LENGTH + 1)));
        assertTrue(EventCatalog.normalize("a".repeat(EventCatalog.MAX_EVENT_TYPE_LENGTH)).isPresent());
    }

    @Test
    void eventTypeAndRecordNameAreInverse() {
        assertEquals("TreasureClaimed", EventCatalog.recordName("treasure_claimed"));
        assertEquals("treasure_claimed", EventCatalog.eventType("TreasureClaimed"));
        for (Schema schema : EventCatalog.registeredSchemas()) {
            String type = EventCatalog.eventType(schema.getName());
            assertEquals(schema.getName(), EventCatalog.recordName(type), type);
            assertEquals(Optional.of(type), EventCatalog.normalize(type));
        }
    }

    @Test
    void everyEventCarriesTheEnvelopeAndIsRegisteredOnce() {
        Set<String> names = new HashSet<>();
        for (Schema schema : EventCatalog.registeredSchemas()) {
            assertTrue(names.add(schema.getFullName()), "registered twice: " + schema.getFullName());
            if (EventCatalog.EVENTS_GROUP.equals(schema.getNamespace())) {
                Schema.Field envelope = schema.getField("envelope");
                assertTrue(envelope != null && envelope.pos() == 0, schema.getName() + " must start with the envelope");
                assertEquals("io.veltrix.events.Envelope", envelope.schema().getFullName());
            }
        }
        assertTrue(names.contains("io.veltrix.events.TreasureClaimed"));
        assertTrue(names.contains("io.veltrix.pipeline.RejectedEvent"));
    }

    @Test
    void registeredContentIsSelfContained() {
        for (Schema schema : EventCatalog.registeredSchemas()) {
            // what the registrar sends must parse on its own, without the envelope file
            Schema reparsed = new Schema.Parser().parse(schema.toString(true));
            assertEquals(schema, reparsed);
        }
    }
}
