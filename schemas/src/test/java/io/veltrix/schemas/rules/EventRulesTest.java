package io.veltrix.schemas.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.events.ExperimentViewed;
import io.veltrix.events.Group;
import io.veltrix.events.PurchaseCompleted;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class EventRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private final EventRules rules = EventRules.defaults();

    @Test
    void aValidPurchasePasses() {
        assertEquals(Optional.empty(), rules.check(purchase(9.99), NOW));
    }

    @Test
    void numbersMustBeFiniteAndInsideTheDeclaredRange() {
        assertViolation(EventRules.INVALID_NUMBER, "$.properties.revenue", purchase(Double.NaN));
        assertViolation(EventRules.INVALID_NUMBER, "$.properties.revenue", purchase(Double.POSITIVE_INFINITY));
        // finite, but its square would overflow every sum it enters: the poison player of the processor
        assertViolation(EventRules.NUMBER_OUT_OF_RANGE, "$.properties.revenue", purchase(1e200));
        // the schema declares revenue >= 0
        assertViolation(EventRules.NUMBER_OUT_OF_RANGE, "$.properties.revenue", purchase(-0.01));
        assertEquals(Optional.empty(), rules.check(purchase(1e9), NOW));
        assertViolation(EventRules.NUMBER_OUT_OF_RANGE, "$.properties.revenue", purchase(1e9 + 1));
    }

    @Test
    void aFieldWithoutDeclaredRangeGetsTheDefaultMagnitude() {
        Schema.Field size = Group.getClassSchema().getField("traits").schema().getField("size");
        double[] range = EventRules.range(size);
        assertEquals(-EventRules.DEFAULT_MAGNITUDE, range[0]);
        assertEquals(EventRules.DEFAULT_MAGNITUDE, range[1]);
        double[] revenue = EventRules.range(PurchaseCompleted.getClassSchema().getField("properties").schema().getField("revenue"));
        assertEquals(0, revenue[0]);
        assertEquals(1e9, revenue[1]);
    }

    @Test
    void idsMustNotBeBlank() {
        GenericRecord event = purchase(1);
        envelope(event).put("player_id", "   ");
        assertViolation(EventRules.MISSING_IDENTITY, "$.userId", event);
        envelope(event).put("player_id", new Utf8(" \t"));
        assertViolation(EventRules.MISSING_IDENTITY, "$.userId", event);
        event = purchase(1);
        envelope(event).put("event_id", "");
        assertViolation(EventRules.MISSING_EVENT_ID, "$.messageId", event);
    }

    @Test
    void textsMustNotHoldNulOrLoneSurrogates() {
        GenericRecord event = purchase(1);
        envelope(event).put("event_id", "abc\u0000def");
        assertViolation(EventRules.INVALID_CHARACTER, "$.messageId", event);
        event = purchase(1);
        envelope(event).put("player_id", new Utf8("p\u0000"));
        assertViolation(EventRules.INVALID_CHARACTER, "$.userId", event);
        event = purchase(1);
        envelope(event).put("player_id", "player-\ud800");
        assertViolation(EventRules.INVALID_CHARACTER, "$.userId", event);
        event = purchase(1);
        envelope(event).put("player_id", "player-\udc00x");
        assertViolation(EventRules.INVALID_CHARACTER, "$.userId", event);
        event = purchase(1);
        envelope(event).put("player_id", "player-\ud83d\ude00");  // a real character outside the BMP
        assertEquals(Optional.empty(), rules.check(event, NOW));
        event = purchase(1);
        ((GenericRecord) event.get("properties")).put("product_id", "gem\u0000pack");
        assertViolation(EventRules.INVALID_CHARACTER, "$.properties.product_id", event);
    }

    @Test
    void anExposureNamesItsExperimentWithoutNul() {
        GenericRecord event = exposure("reward-boost\u0000", "control");
        assertViolation(EventRules.INVALID_CHARACTER, "$.properties.experiment_key", event);
        assertEquals(Optional.empty(), rules.check(exposure("reward-boost", "control"), NOW));
    }

    @Test
    void timeIsJudgedAgainstWhenIngestReceivedTheEvent() {
        GenericRecord event = purchase(1);
        Instant received = NOW.minus(Duration.ofDays(3));
        envelope(event).put("received_at", received.toEpochMilli());
        envelope(event).put("occurred_at", received.minus(Duration.ofDays(29)).toEpochMilli());
        assertEquals(Optional.empty(), rules.check(event, NOW), "a backlog processed days later counts as on time");
        envelope(event).put("occurred_at", received.minus(Duration.ofDays(31)).toEpochMilli());
        assertViolation(EventRules.TIMESTAMP_TOO_OLD, "$.timestamp", event);
        envelope(event).put("occurred_at", received.plus(Duration.ofMinutes(61)).toEpochMilli());
        assertViolation(EventRules.TIMESTAMP_IN_FUTURE, "$.timestamp", event);
        envelope(event).put("received_at", NOW.plus(Duration.ofHours(2)).toEpochMilli());
        envelope(event).put("occurred_at", NOW.plus(Duration.ofHours(2)).toEpochMilli());
        assertViolation(EventRules.TIMESTAMP_IN_FUTURE, "$.receivedAt", event);
    }

    @Test
    void anythingWithoutEnvelopeIsNotAnEvent() {
        Schema other = Schema.createRecord("Other", null, "test", false,
                java.util.List.of(new Schema.Field("x", Schema.create(Schema.Type.INT))));
        GenericRecord record = new GenericData.Record(other);
        record.put("x", 1);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> rules.check(record, NOW));
    }

    private void assertViolation(String reason, String path, GenericRecord event) {
        Optional<RuleViolation> violation = rules.check(event, NOW);
        assertTrue(violation.isPresent(), "expected " + reason + " for " + event);
        assertEquals(reason, violation.get().reason(), violation.get().message());
        assertEquals(path, violation.get().path());
    }

    private static GenericRecord envelope(GenericRecord event) {
        return (GenericRecord) event.get("envelope");
    }

    static GenericRecord purchase(double revenue) {
        Schema schema = PurchaseCompleted.getClassSchema();
        GenericRecord event = new GenericData.Record(schema);
        event.put("envelope", envelopeOf(schema.getField("envelope").schema()));
        GenericRecord properties = new GenericData.Record(schema.getField("properties").schema());
        properties.put("order_id", "o-1");
        properties.put("product_id", "gems");
        properties.put("revenue", revenue);
        properties.put("currency", "EUR");
        properties.put("quantity", 1);
        event.put("properties", properties);
        return event;
    }

    static GenericRecord exposure(String experiment, String variant) {
        Schema schema = ExperimentViewed.getClassSchema();
        GenericRecord event = new GenericData.Record(schema);
        event.put("envelope", envelopeOf(schema.getField("envelope").schema()));
        GenericRecord properties = new GenericData.Record(schema.getField("properties").schema());
        for (Schema.Field field : properties.getSchema().getFields()) {
            if (field.hasDefaultValue()) {
                properties.put(field.pos(), GenericData.get().getDefaultValue(field));
            }
        }
        properties.put("experiment_key", experiment);
        properties.put("variant", variant);
        event.put("properties", properties);
        return event;
    }

    private static GenericRecord envelopeOf(Schema schema) {
        GenericRecord envelope = new GenericData.Record(schema);
        envelope.put("event_id", "e-1");
        envelope.put("player_id", "player-1");
        envelope.put("occurred_at", NOW.minusSeconds(5).toEpochMilli());
        envelope.put("received_at", NOW.minusSeconds(1).toEpochMilli());
        envelope.put("source_id", "treasure-hunt");
        envelope.put("write_key_id", "k1");
        return envelope;
    }
}
