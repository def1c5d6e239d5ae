package io.veltrix.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.veltrix.testing.RealStackResource;
import io.veltrix.ingest.support.Rejections;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.testing.TopicProbe;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad events through the real servers, one table row each: the documented status, reason and JSON path in the
 * answer, and the event kept on events.rejected with that reason and path, stage ingest and the bytes sent.
 * A bad event in a batch never refuses its neighbours.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class BadEventsTest {

    static final String KEY = "test-write-key";
    static final String CLUE = """
            {"event":"clue_found","userId":"p-%ID%","messageId":"%ID%",%EXTRA%
             "properties":{"session_id":"s","hunt_id":"h","clue_id":"c","clue_index":2%MORE%}}""";

    @Inject
    RegistryCodec codec;

    /** A clue_found event: {@code extra} goes at the top level, {@code more} into properties. */
    static String clue(String extra, String more) {
        return CLUE.replace("%EXTRA%", extra).replace("%MORE%", more);
    }

    static Stream<Arguments> badSingleEvents() {
        String tooLong = "😀".repeat(129);
        return Stream.of(
                row("wrong type", "/v1/track", clue("", "").replace("\"clue_index\":2", "\"clue_index\":\"two\""),
                        400, "wrong_type", "$.properties.clue_index"),
                row("missing required field", "/v1/track", clue("", "").replace("\"hunt_id\":\"h\",", ""),
                        400, "missing_required_field", "$.properties.hunt_id"),
                row("unknown event type", "/v1/track", clue("", "").replace("clue_found", "Dragon Slain"),
                        400, "unknown_event_type", "$.event"),
                row("unknown property", "/v1/track", clue("", ",\"colour\":\"red\""),
                        400, "unknown_property", "$.properties.colour"),
                row("enum value not in the schema", "/v1/track", """
                        {"event":"Treasure Claimed","userId":"p-%ID%","messageId":"%ID%","properties":
                         {"session_id":"s","hunt_id":"h","treasure_id":"t","tier":"mythic","coins":5}}""",
                        400, "invalid_enum_value", "$.properties.tier"),
                row("timestamp far in the future", "/v1/track", clue("\"timestamp\":\"2099-01-01T00:00:00Z\",", ""),
                        400, "timestamp_in_future", "$.timestamp"),
                row("non-ASCII id over 128 characters", "/v1/track",
                        clue("", "").replace("\"userId\":\"p-%ID%\"", "\"userId\":\"" + tooLong + "\""),
                        400, "value_too_long", "$.userId"),
                row("no userId nor anonymousId", "/v1/track", clue("", "").replace("\"userId\":\"p-%ID%\",", ""),
                        400, "missing_identity", "$.userId"),
                row("trait of the wrong type", "/v1/identify", """
                        {"userId":"p-%ID%","messageId":"%ID%","traits":{"country":44}}""",
                        400, "wrong_type", "$.traits.country"),
                row("event over 32 KB", "/v1/track", clue("", ",\"colour\":\"" + "x".repeat(33_000) + "\""),
                        413, "event_too_large", "$"));
    }

    static Arguments row(String name, String endpoint, String body, int status, String reason, String path) {
        return Arguments.of(name, endpoint, body, status, reason, path);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSingleEvents")
    void aBadEventIsAnsweredWithItsReasonAndKeptVerbatim(String name, String endpoint, String template, int status,
                                                          String reason, String path) {
        String id = "bad-" + UUID.randomUUID();
        String body = template.replace("%ID%", id);
        ValidatableResponse answer = given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .when().post(endpoint)
                .then().statusCode(status);
        if (status == 413) {
            answer.body("reason", equalTo(reason)).body("limit", equalTo(32768))
                    .body("message", containsString("32768"));
        } else {
            answer.body("rejected", equalTo(1)).body("accepted", equalTo(0))
                    .body("results[0].status", equalTo("rejected"))
                    .body("results[0].messageId", equalTo(id))
                    .body("results[0].reason", equalTo(reason))
                    .body("results[0].path", equalTo(path));
        }

        Rejections.Found kept = Rejections.ofEvent(codec, id);
        assertEquals(reason, kept.field("reason"));
        assertEquals(path, kept.field("path"));
        assertEquals("ingest", kept.field("stage"));
        assertEquals("treasure-hunt", kept.field("source_id"));
        assertEquals("test", kept.field("write_key_id"));
        assertEquals(reason, kept.message().getProperty("reason"));
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), kept.payload(), "the payload is what was sent, verbatim");
    }

    static Stream<Arguments> badEventsInABatch() {
        return Stream.of(
                Arguments.of("wrong type", clue("", "").replace("\"clue_index\":2", "\"clue_index\":2.5"),
                        "wrong_type", "$.batch[1].properties.clue_index"),
                Arguments.of("unknown event type", clue("", "").replace("clue_found", "dragon_slain"),
                        "unknown_event_type", "$.batch[1].event"),
                Arguments.of("event over 32 KB", clue("", ",\"colour\":\"" + "y".repeat(40_000) + "\""),
                        "event_too_large", "$.batch[1]"),
                Arguments.of("unknown call type", clue("\"type\":\"purchase\",", ""),
                        "unknown_call_type", "$.batch[1].type"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEventsInABatch")
    void aBadEventInABatchIsRefusedAloneAndTheOthersAccepted(String name, String template, String reason, String path) {
        String id = "bad-" + UUID.randomUUID();
        String bad = template.replace("%ID%", id);
        if (!bad.contains("\"type\"")) {
            bad = bad.replaceFirst("\\{", "{\"type\":\"track\",");
        }
        String before = "{\"type\":\"track\"," + clue("", "").substring(1).replace("%ID%", id + "-a");
        String after = "{\"type\":\"track\"," + clue("", "").substring(1).replace("%ID%", id + "-b");
        String body = "{\"batch\":[" + before + "," + bad + "," + after + "]}";

        given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON).body(body)
                .when().post("/v1/batch")
                .then().statusCode(200)
                .body("success", equalTo(false))
                .body("accepted", equalTo(2)).body("rejected", equalTo(1))
                .body("results[0].status", equalTo("accepted"))
                .body("results[1].status", equalTo("rejected"))
                .body("results[1].reason", equalTo(reason))
                .body("results[1].path", equalTo(path))
                .body("results[2].status", equalTo("accepted"));

        Rejections.Found kept = Rejections.ofEvent(codec, id);
        assertEquals(reason, kept.field("reason"));
        assertEquals(path, kept.field("path"));
        assertEquals("ingest", kept.field("stage"));
        assertArrayEquals(bad.getBytes(StandardCharsets.UTF_8), kept.payload(), "the event's own bytes, verbatim");
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            probe.await(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, id + "-a"), 1, Duration.ofSeconds(30));
            probe.await(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, id + "-b"), 1, Duration.ofSeconds(30)).get(0);
        }
    }

    @Test
    void nonAsciiIdsAreAcceptedAndKeptExactly() {
        String suffix = UUID.randomUUID().toString();
        String player = "игрок-Ω-😀-" + suffix;
        String messageId = "メッセージ-" + suffix;
        given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON)
                .body(clue("", "").replace("p-%ID%", player).replace("%ID%", messageId).getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/track")
                .then().statusCode(200)
                .body("results[0].status", equalTo("accepted"))
                .body("results[0].messageId", equalTo(messageId));
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            Message<byte[]> message = probe.awaitOne(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, messageId),
                    Duration.ofSeconds(30));
            assertEquals(player, message.getKey());
            GenericRecord envelope = (GenericRecord) codec.decode(message.getValue()).record().get("envelope");
            assertEquals(player, envelope.get("player_id").toString());
        }
    }

    @Test
    void aFutureTimestampFromAClockThatIsWrongAltogetherIsCorrected() {
        // the device's clock is 70 years ahead, but it says the event happened 30 s before it was sent
        String id = "skew-" + UUID.randomUUID();
        given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON)
                .body(clue("\"timestamp\":\"2096-03-01T10:00:00Z\",\"sentAt\":\"2096-03-01T10:00:30Z\",", "")
                        .replace("%ID%", id))
                .when().post("/v1/track")
                .then().statusCode(200).body("results[0].status", equalTo("accepted"));
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            Message<byte[]> message = probe.awaitOne(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, id),
                    Duration.ofSeconds(30));
            GenericRecord envelope = (GenericRecord) codec.decode(message.getValue()).record().get("envelope");
            Instant occurred = Instant.ofEpochMilli((Long) envelope.get("occurred_at"));
            Instant received = Instant.ofEpochMilli((Long) envelope.get("received_at"));
            assertEquals(received.minusSeconds(30), occurred, "timestamp = receivedAt - (sentAt - originalTimestamp)");
            assertTrue(Duration.between(received, Instant.now()).abs().toMinutes() < 5);
        }
    }
}
