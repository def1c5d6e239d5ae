package io.veltrix.ingest.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veltrix.events.ExperimentViewed;
import io.veltrix.events.Group;
import io.veltrix.events.Identify;
import io.veltrix.events.TreasureClaimed;
import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.codec.RegisteredSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The edge's validation rules, one table row per kind of bad input; no servers needed. */
class EventMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant RECEIVED = Instant.parse("2026-11-26T12:00:00Z");
    private static final Map<String, Schema> SCHEMAS = Map.of(
            "treasure_claimed", TreasureClaimed.getClassSchema(),
            "experiment_viewed", ExperimentViewed.getClassSchema(),
            "identify", Identify.getClassSchema(),
            "group", Group.getClassSchema());
    private static final EventMapper MAPPER = new EventMapper(EventMapperTest::schema, Duration.ofHours(1), Duration.ofDays(30));
    private static final IngestContext CONTEXT = new IngestContext(RECEIVED, "th-ios", "treasure-hunt", "10.0.0.7", null, null);

    private static Optional<RegisteredSchema> schema(String eventType) {
        return Optional.ofNullable(SCHEMAS.get(eventType))
                .map(s -> new RegisteredSchema(EventCatalog.EVENTS_GROUP, s.getName(), "1", 7, s));
    }

    private static final String VALID = """
            {"type":"track","event":"Treasure Claimed","userId":"player-1","messageId":"m-1",
             "timestamp":"2026-11-26T11:59:00Z","sentAt":"2026-11-26T11:59:30Z",
             "context":{"library":{"name":"analytics-node","version":"6.2.0"},"locale":"fr-FR","app":{"version":"1.4"}},
             "properties":{"session_id":"s-1","hunt_id":"h-1","treasure_id":"t-9","tier":"epic","coins":120}}""";

    private static MappedEvent map(String json) {
        return map(json, CallType.TRACK);
    }

    private static MappedEvent map(String json, CallType type) {
        try {
            return MAPPER.map(JSON.readTree(json), "$.batch[0]", type, CONTEXT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The valid event with one JSON pointer replaced (null value = removed). */
    private static String variant(String pointer, Object value) {
        try {
            JsonNode node = JSON.readTree(VALID);
            int slash = pointer.lastIndexOf('/');
            var parent = (com.fasterxml.jackson.databind.node.ObjectNode) node.at(pointer.substring(0, slash));
            String key = pointer.substring(slash + 1);
            if (value == null) {
                parent.remove(key);
            } else {
                parent.set(key, JSON.valueToTree(value));
            }
            return JSON.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void mapsAValidTrackEvent() {
        MappedEvent event = map(VALID);
        assertTrue(event.valid(), () -> event.violations().toString());
        assertEquals("treasure_claimed", event.eventType());
        assertEquals("m-1", event.eventId());
        assertEquals("player-1", event.playerId());
        GenericRecord envelope = (GenericRecord) event.record().get("envelope");
        // clock skew: the client's clock is 30 s behind the request; the gap it measured (30 s) is kept
        assertEquals(RECEIVED.minusSeconds(30).toEpochMilli(), envelope.get("occurred_at"));
        assertEquals(Instant.parse("2026-11-26T11:59:00Z").toEpochMilli(), envelope.get("original_timestamp"));
        assertEquals(RECEIVED.toEpochMilli(), envelope.get("received_at"));
        assertEquals("treasure-hunt", envelope.get("source_id"));
        assertEquals("th-ios", envelope.get("write_key_id"));
        assertEquals("analytics-node", ((GenericRecord) envelope.get("library")).get("name"));
        GenericRecord context = (GenericRecord) envelope.get("context");
        assertEquals("fr-FR", context.get("locale"));
        assertEquals("1.4", context.get("app_version"));
        assertEquals("10.0.0.7", context.get("ip"), "the caller's address when the event carries no ip");
        GenericRecord properties = (GenericRecord) event.record().get("properties");
        assertEquals(120L, properties.get("coins"));
        assertEquals("epic", properties.get("tier").toString());
        assertTrue(GenericData.get().validate(TreasureClaimed.getClassSchema(), event.record()));
    }

    @Test
    void generatesAMessageIdWhenAbsentAndUsesArrivalTimeWithoutTimestamps() {
        MappedEvent event = map(variant("/messageId", null).replace("\"timestamp\":\"2026-11-26T11:59:00Z\",", "")
                .replace("\"sentAt\":\"2026-11-26T11:59:30Z\",", ""));
        assertTrue(event.valid(), () -> event.violations().toString());
        assertNotNull(event.eventId());
        assertEquals(36, event.eventId().length());
        assertEquals(RECEIVED.toEpochMilli(), ((GenericRecord) event.record().get("envelope")).get("occurred_at"));
    }

    @Test
    void acceptsAnonymousPlayersAndNonAsciiIds() {
        MappedEvent event = map(variant("/userId", null).replace("\"messageId\"", "\"anonymousId\":\"jöueur-日本-🎮\",\"messageId\""));
        assertTrue(event.valid(), () -> event.violations().toString());
        assertEquals("jöueur-日本-🎮", event.playerId());
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("missing required property", variant("/properties/coins", null),
                        Reasons.MISSING_REQUIRED_FIELD, "$.batch[0].properties.coins"),
                Arguments.of("wrong type: string for a number", variant("/properties/coins", "120"),
                        Reasons.WRONG_TYPE, "$.batch[0].properties.coins"),
                Arguments.of("wrong type: number for a string", variant("/properties/treasure_id", 9),
                        Reasons.WRONG_TYPE, "$.batch[0].properties.treasure_id"),
                Arguments.of("fraction for an integer", variant("/properties/coins", 1.5),
                        Reasons.WRONG_TYPE, "$.batch[0].properties.coins"),
                Arguments.of("enum value not in the schema", variant("/properties/tier", "mythic"),
                        Reasons.INVALID_ENUM_VALUE, "$.batch[0].properties.tier"),
                Arguments.of("unknown property", variant("/properties/bonus", 3),
                        Reasons.UNKNOWN_PROPERTY, "$.batch[0].properties.bonus"),
                Arguments.of("unknown property with an odd name", variant("/properties/a b'c", 3),
                        Reasons.UNKNOWN_PROPERTY, "$.batch[0].properties['a b\\'c']"),
                Arguments.of("properties not an object", variant("/properties", "x"),
                        Reasons.WRONG_TYPE, "$.batch[0].properties"),
                Arguments.of("id too long", variant("/properties/treasure_id", "t".repeat(129)),
                        Reasons.VALUE_TOO_LONG, "$.batch[0].properties.treasure_id"),
                Arguments.of("messageId too long", variant("/messageId", "m".repeat(129)),
                        Reasons.VALUE_TOO_LONG, "$.batch[0].messageId"),
                Arguments.of("messageId not a string", variant("/messageId", 12),
                        Reasons.WRONG_TYPE, "$.batch[0].messageId"),
                Arguments.of("userId too long (non-ASCII counted in characters)", variant("/userId", "é".repeat(129)),
                        Reasons.VALUE_TOO_LONG, "$.batch[0].userId"),
                Arguments.of("no identity", variant("/userId", null),
                        Reasons.MISSING_IDENTITY, "$.batch[0].userId"),
                Arguments.of("unknown event type", variant("/event", "Dragon Slain"),
                        Reasons.UNKNOWN_EVENT_TYPE, "$.batch[0].event"),
                Arguments.of("invalid event name", variant("/event", "42!"),
                        Reasons.INVALID_EVENT_NAME, "$.batch[0].event"),
                Arguments.of("event name is a call type", variant("/event", "identify"),
                        Reasons.RESERVED_EVENT_NAME, "$.batch[0].event"),
                Arguments.of("missing event name", variant("/event", null),
                        Reasons.MISSING_REQUIRED_FIELD, "$.batch[0].event"),
                Arguments.of("unknown call type", variant("/type", "purchase"),
                        Reasons.UNKNOWN_CALL_TYPE, "$.batch[0].type"),
                Arguments.of("timestamp not a date", variant("/timestamp", "yesterday"),
                        Reasons.INVALID_TIMESTAMP, "$.batch[0].timestamp"),
                Arguments.of("timestamp far in the future", variant("/sentAt", null).replace("2026-11-26T11:59:00Z", "2031-01-01T00:00:00Z"),
                        Reasons.TIMESTAMP_IN_FUTURE, "$.batch[0].timestamp"),
                Arguments.of("timestamp far in the past", variant("/sentAt", null).replace("2026-11-26T11:59:00Z", "2020-01-01T00:00:00Z"),
                        Reasons.TIMESTAMP_TOO_OLD, "$.batch[0].timestamp"),
                Arguments.of("number out of range", variant("/properties/coins", new java.math.BigInteger("123456789012345678901234567890")),
                        Reasons.OUT_OF_RANGE, "$.batch[0].properties.coins"),
                // the rules shared with the processor (EventRules): what is accepted is counted
                Arguments.of("number outside the range the schema declares", variant("/properties/coins", -5),
                        Reasons.NUMBER_OUT_OF_RANGE, "$.batch[0].properties.coins"),
                Arguments.of("a userId of white space only", variant("/userId", "   "),
                        Reasons.MISSING_IDENTITY, "$.batch[0].userId"),
                Arguments.of("U+0000 in the userId", variant("/userId", "player\u0000-1"),
                        Reasons.INVALID_CHARACTER, "$.batch[0].userId"),
                Arguments.of("a lone surrogate in the messageId", variant("/messageId", "m-\ud800"),
                        Reasons.INVALID_CHARACTER, "$.batch[0].messageId"),
                Arguments.of("a lone surrogate in a property", variant("/properties/treasure_id", "t-\udc00"),
                        Reasons.INVALID_CHARACTER, "$.batch[0].properties.treasure_id"),
                Arguments.of("U+0000 in an anonymousId", variant("/userId", null).replace("\"messageId\"",
                                "\"anonymousId\":\"a\\u0000\",\"messageId\""),
                        Reasons.INVALID_CHARACTER, "$.batch[0].anonymousId"),
                Arguments.of("a year beyond what a timestamp can hold", variant("/timestamp", "+300000000-01-01T00:00:00Z"),
                        Reasons.INVALID_TIMESTAMP, "$.batch[0].timestamp"),
                Arguments.of("epoch milliseconds beyond any year", variant("/sentAt", new java.math.BigInteger("100000000000000000000")),
                        Reasons.INVALID_TIMESTAMP, "$.batch[0].sentAt"),
                Arguments.of("sentAt long before the timestamp", variant("/sentAt", "0001-01-01T00:00:00Z"),
                        Reasons.TIMESTAMP_IN_FUTURE, "$.batch[0].timestamp"),
                Arguments.of("epoch milliseconds as a fraction", variant("/timestamp", 1.5e12),
                        Reasons.INVALID_TIMESTAMP, "$.batch[0].timestamp"));
    }

    @Test
    void refusesAnInfiniteNumberAsTheProcessorWould() throws Exception {
        // 1e400 is read as Infinity: accepted, it could never be counted
        String json = VALID.replace("\"coins\":120", "\"coins\":1e400");
        MappedEvent event = map(json);
        assertFalse(event.valid());
        assertEquals(Reasons.WRONG_TYPE, event.firstViolation().reason(), "an integer property takes no 1e400");
    }

    @Test
    void listsAtMostTenProblemsOfAnEvent() {
        StringBuilder extra = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            extra.append(",\"unknown_").append(i).append("\":1");
        }
        MappedEvent event = map(VALID.replace("\"coins\":120", "\"coins\":120" + extra));
        assertEquals(AvroJsonReader.MAX_VIOLATIONS, event.violations().size());
        assertTrue(event.violations().get(9).message().endsWith("(and 490 more problems, not listed)"),
                event.violations().get(9).message());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void refusesWithReasonAndPath(String description, String json, String reason, String path) {
        MappedEvent event = map(json);
        assertFalse(event.valid(), description + " must be refused");
        assertNull(event.record());
        assertEquals(reason, event.firstViolation().reason(), () -> event.violations().toString());
        assertEquals(path, event.firstViolation().path());
        assertFalse(event.firstViolation().message().isBlank());
    }

    @Test
    void reportsEveryProblemOfAnEvent() {
        MappedEvent event = map(variant("/properties/coins", "x").replace("\"tier\":\"epic\"", "\"tier\":\"gold\""));
        assertEquals(2, event.violations().size(), () -> event.violations().toString());
    }

    @Test
    void refusesAnEventThatIsNotAnObject() throws Exception {
        MappedEvent event = MAPPER.map(JSON.readTree("42"), "$.batch[3]", null, CONTEXT);
        assertEquals(Reasons.NOT_AN_OBJECT, event.firstViolation().reason());
        assertEquals("$.batch[3]", event.firstViolation().path());
    }

    @Test
    void aBatchEventNeedsAType() {
        MappedEvent event = MAPPER.map(readTree(variant("/type", null)), "$.batch[0]", null, CONTEXT);
        assertEquals(Reasons.MISSING_REQUIRED_FIELD, event.firstViolation().reason());
        assertEquals("$.batch[0].type", event.firstViolation().path());
    }

    @Test
    void mapsIdentifyTraitsAndGroupIds() {
        MappedEvent identify = map("""
                {"type":"identify","userId":"p-1","traits":{"name":"Ada","country":"FR"}}""", CallType.IDENTIFY);
        assertTrue(identify.valid(), () -> identify.violations().toString());
        assertEquals("identify", identify.eventType());
        assertEquals("Ada", ((GenericRecord) identify.record().get("traits")).get("name"));

        MappedEvent unknownTrait = map("""
                {"userId":"p-1","traits":{"favourite_colour":"blue"}}""", CallType.IDENTIFY);
        assertEquals(Reasons.UNKNOWN_PROPERTY, unknownTrait.firstViolation().reason());
        assertEquals("$.batch[0].traits.favourite_colour", unknownTrait.firstViolation().path());

        MappedEvent group = map("""
                {"userId":"p-1","groupId":"guild-7","traits":{"name":"Seekers","size":12}}""", CallType.GROUP);
        assertTrue(group.valid(), () -> group.violations().toString());
        assertEquals("guild-7", group.record().get("group_id"));

        MappedEvent noGroup = map("""
                {"userId":"p-1"}""", CallType.GROUP);
        assertEquals(Reasons.MISSING_REQUIRED_FIELD, noGroup.firstViolation().reason());
        assertEquals("$.batch[0].groupId", noGroup.firstViolation().path());
    }

    @Test
    void anEndpointTakesOnlyItsCallType() {
        MappedEvent event = map(VALID, CallType.IDENTIFY);
        assertEquals(Reasons.UNKNOWN_CALL_TYPE, event.firstViolation().reason());
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
