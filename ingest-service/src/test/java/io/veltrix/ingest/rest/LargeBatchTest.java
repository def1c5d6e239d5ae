package io.veltrix.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.veltrix.testing.RealStackResource;
import io.veltrix.testing.TopicProbe;
import io.veltrix.ingest.support.Rejections;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.RegistryCodec;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A batch of 10,000 events. The 500 KB request limit (Segment's) is kept: 10,000 realistic track events are about
 * 2.5 MB and the request is refused with 413 naming the limit, nothing of it accepted (the SDK splits and resends);
 * 10,000 tiny events (page calls of ~40 bytes) fit, and every one of them is answered.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class LargeBatchTest {

    static final String KEY = "test-write-key";

    @Inject
    RegistryCodec codec;

    @Test
    void tenThousandRealisticEventsAreOverTheRequestLimit() {
        String id = "big-" + UUID.randomUUID();
        StringBuilder body = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 10_000; i++) {
            body.append(i == 0 ? "" : ",").append("""
                    {"type":"track","event":"Treasure Claimed","userId":"player-%s","messageId":"%s-%d",
                     "timestamp":"2026-11-26T10:00:00.000Z","context":{"library":{"name":"analytics-ios","version":"4.1.8"}},
                     "properties":{"session_id":"s-1","hunt_id":"h-1","treasure_id":"t-9","tier":"epic","coins":120}}"""
                    .formatted(id, id, i));
        }
        body.append("]}");
        given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON).body(body.toString())
                .when().post("/v1/batch")
                .then().statusCode(413)
                .body("reason", equalTo("request_too_large"))
                .body("limit", equalTo(512_000))
                .body("message", containsString("512000 bytes"));
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            // the key of each would be its player, player-<id>; its event ids start with <id>
            assertEquals(0, probe.readAll(Topics.RAW, m -> ("player-" + id).equals(m.getKey())
                    || (m.getProperty(Topics.PROP_EVENT_ID) != null && m.getProperty(Topics.PROP_EVENT_ID).startsWith(id)))
                    .size(), "nothing of it accepted");
        }
    }

    @Test
    void tenThousandTinyEventsAreEachAnswered() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder body = new StringBuilder("{\"batch\":[");
        Set<Integer> bad = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            boolean refused = i % 1_000 == 500;
            if (refused) {
                bad.add(i);
            }
            body.append(i == 0 ? "" : ",").append(refused
                    ? "{\"type\":\"page\",\"userId\":true}"
                    : "{\"type\":\"page\",\"userId\":\"" + run + "-" + i + "\"}");
        }
        body.append("]}");
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        JsonPath answer = given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON).body(bytes)
                .when().post("/v1/batch")
                .then().statusCode(200)
                .body("accepted", equalTo(9_990))
                .body("rejected", equalTo(10))
                .body("results.size()", equalTo(10_000))
                .extract().jsonPath();

        List<Map<String, Object>> results = answer.getList("results");
        List<String> refusedIds = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Map<String, Object> result = results.get(i);
            assertEquals(i, result.get("index"));
            if (bad.contains(i)) {
                assertEquals("rejected", result.get("status"));
                assertEquals("wrong_type", result.get("reason"));
                assertEquals("$.batch[" + i + "].userId", result.get("path"));
                refusedIds.add((String) result.get("messageId"));
            } else {
                assertEquals("accepted", result.get("status"), "event " + i);
            }
        }
        // every refused one is kept with its generated messageId; every accepted one is on events.raw
        for (String refusedId : refusedIds) {
            assertEquals("wrong_type", Rejections.ofEvent(codec, refusedId).field("reason"));
        }
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            // answered accepted only after Pulsar acknowledged: all are there now, once each
            assertEquals(9_990, probe.readAll(Topics.RAW, m -> m.getKey() != null && m.getKey().startsWith(run + "-")).size());
        }
    }

    @Test
    void moreEventsThanTheInstanceEverHandlesAtOnceIs413() {
        // 60,000 events of 2 bytes fit in 500 KB, but never in the in-flight limit of 50,000: retrying cannot help
        String body = "{\"batch\":[" + String.join(",", java.util.Collections.nCopies(60_000, "{}")) + "]}";
        given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON).body(body)
                .when().post("/v1/batch")
                .then().statusCode(413)
                .body("reason", equalTo("too_many_events"))
                .body("limit", equalTo(50_000));
    }
}
