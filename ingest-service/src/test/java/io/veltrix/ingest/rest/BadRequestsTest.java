package io.veltrix.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.veltrix.testing.RealStackResource;
import io.veltrix.ingest.support.Rejections;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.testing.TopicProbe;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests refused as a whole, one table row each: status, reason, the limit a 413 names, and (when the caller
 * is known and the body could be read) the request kept on events.rejected. Gzip bodies are accepted.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class BadRequestsTest {

    static final String KEY = "test-write-key";

    @Inject
    RegistryCodec codec;

    static String clue(String id) {
        return """
                {"type":"track","event":"clue_found","userId":"p-%s","messageId":"%s",
                 "properties":{"session_id":"s","hunt_id":"h","clue_id":"c","clue_index":1}}""".formatted(id, id);
    }

    /**
     * name, endpoint, body (MARKER replaced by a unique string), Content-Encoding, expected status, reason, limit,
     * whether the request is kept on events.rejected.
     */
    static Stream<Arguments> badRequests() {
        String big = "{\"batch\":[" + String.join(",", java.util.Collections.nCopies(2_000,
                clue("MARKER").replace("\"clue_index\":1", "\"clue_index\":1,\"pad\":\"" + "z".repeat(200) + "\""))) + "]}";
        return Stream.of(
                Arguments.of("malformed JSON", "/v1/batch", "{\"batch\":[{\"type\":\"track\",\"event\":\"MARKER\"", null,
                        400, "malformed_json", null, true),
                Arguments.of("malformed JSON, single event", "/v1/track", "{\"event\":\"MARKER\",}", null,
                        400, "malformed_json", null, true),
                Arguments.of("empty batch", "/v1/batch", "{\"batch\":[],\"context\":{\"marker\":\"MARKER\"}}", null,
                        400, "empty_batch", null, true),
                Arguments.of("batch that is not an array", "/v1/batch", "{\"batch\":{\"marker\":\"MARKER\"}}", null,
                        400, "invalid_request", null, true),
                Arguments.of("corrupt gzip", "/v1/batch", "MARKER: not gzip at all", "gzip",
                        400, "malformed_gzip", null, false),
                Arguments.of("unsupported encoding", "/v1/batch", "{\"batch\":[]}", "br",
                        415, "unsupported_content_encoding", null, false),
                Arguments.of("request over 500 KB", "/v1/batch", big, null,
                        413, "request_too_large", 512_000, false),
                Arguments.of("request over 500 KB once decompressed", "/v1/batch", big, "gzip",
                        413, "request_too_large", 512_000, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadRequestIsRefusedAsAWhole(String name, String endpoint, String template, String encoding, int status,
                                      String reason, Integer limit, boolean kept) throws IOException {
        String marker = "m-" + UUID.randomUUID();
        byte[] plain = template.replace("MARKER", marker).getBytes(StandardCharsets.UTF_8);
        byte[] sent = "gzip".equals(encoding) && !reason.equals("malformed_gzip") ? gzip(plain) : plain;
        RequestSpecification request = given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON).body(sent);
        if (encoding != null) {
            request.header("Content-Encoding", encoding);
        }
        ValidatableResponse answer = request.when().post(endpoint).then()
                .statusCode(status)
                .body("success", equalTo(false))
                .body("reason", equalTo(reason))
                .body("message", notNullValue());
        if (limit != null) {
            answer.body("limit", equalTo(limit)).body("message", containsString(limit.toString()));
        }
        if (kept) {
            Rejections.Found found = Rejections.withMarker(codec, marker);
            assertEquals(reason, found.field("reason"));
            assertEquals("ingest", found.field("stage"));
            assertEquals("request", found.message().getProperty("scope"));
            assertArrayEquals(plain, found.payload(), "the body as received, verbatim");
        }
    }

    @Test
    void aGzipBodyIsAccepted() throws IOException {
        String id = "gz-" + UUID.randomUUID();
        byte[] body = ("{\"batch\":[" + clue(id + "-1") + "," + clue(id + "-2") + "]}").getBytes(StandardCharsets.UTF_8);
        given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON)
                .header("Content-Encoding", "gzip").body(gzip(body))
                .when().post("/v1/batch")
                .then().statusCode(200).body("accepted", equalTo(2)).body("success", equalTo(true));
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            probe.await(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, id + "-1"), 1, Duration.ofSeconds(30)).get(0);
            probe.await(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, id + "-2"), 1, Duration.ofSeconds(30)).get(0);
        }
    }

    static Stream<Arguments> wrongKeys() {
        return Stream.of(
                Arguments.of("unknown key as Basic user", "Basic " + base64("not-a-key:"), null),
                Arguments.of("unknown key in the body", null, "not-a-key"),
                Arguments.of("no key at all", null, null),
                Arguments.of("not Basic", "Bearer test-write-key", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongKeys")
    void aWrongKeyIsAnswered401AndNothingIsPublished(String name, String authorization, String bodyKey) {
        String id = "wk-" + UUID.randomUUID();
        String body = "{" + (bodyKey == null ? "" : "\"writeKey\":\"" + bodyKey + "\",") + "\"batch\":[" + clue(id)
                + ",{\"type\":\"track\",\"event\":\"clue_found\",\"userId\":\"p\",\"messageId\":\"" + id + "-bad\"}]}";
        RequestSpecification request = given().contentType(ContentType.JSON).body(body);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        request.when().post("/v1/batch")
                .then().statusCode(401)
                .header("WWW-Authenticate", containsString("Basic"))
                .body("reason", equalTo("unauthorized"));

        // the same event with the right key: accepted, not a duplicate, so the first was never accepted; it is the
        // only copy on events.raw, and neither event of the refused request is on events.rejected
        given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON)
                .body("{\"batch\":[" + clue(id) + "]}")
                .when().post("/v1/batch")
                .then().statusCode(200).body("results[0].status", equalTo("accepted"));
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            probe.await(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, id), 1, Duration.ofSeconds(30)).get(0);
            assertEquals(1, probe.readAll(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, id)).size());
            assertTrue(probe.readAll(Topics.REJECTED, m -> m.getProperty(Topics.PROP_EVENT_ID) != null
                    && m.getProperty(Topics.PROP_EVENT_ID).startsWith(id)).isEmpty());
        }
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(plain);
        }
        return out.toByteArray();
    }

    static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
