package io.veltrix.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.veltrix.schemas.Topics;
import io.veltrix.testing.RealStackResource;
import io.veltrix.testing.TopicProbe;
import java.time.Duration;
import java.util.UUID;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;

/** The tracking API against the real Pulsar and Apicurio of the test stack. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class TrackingResourceTest {

    private static final String KEY = "test-write-key";

    @Test
    void acceptsAValidEventAndPublishesItKeyedByPlayer() {
        String id = "t-" + UUID.randomUUID();
        given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON)
                .body("""
                        {"event":"clue_found","userId":"p-%s","messageId":"%s",
                         "properties":{"session_id":"s","hunt_id":"h","clue_id":"c","clue_index":2}}""".formatted(id, id))
                .when().post("/v1/track")
                .then().statusCode(200).body("accepted", equalTo(1)).body("success", equalTo(true));
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            Message<byte[]> message = probe.awaitOne(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, id), Duration.ofSeconds(10));
            assertEquals("p-" + id, message.getKey());
            assertEquals("clue_found", message.getProperty(Topics.PROP_EVENT_TYPE));
        }
    }

    @Test
    void refusesAnUnknownWriteKeyAndPublishesNothing() {
        given().auth().preemptive().basic("not-a-key", "").contentType(ContentType.JSON)
                .body("{\"event\":\"clue_found\",\"userId\":\"p\"}")
                .when().post("/v1/track")
                .then().statusCode(401).body("reason", equalTo("unauthorized"));
    }

    @Test
    void keepsARefusedEventOnEventsRejectedWithItsReason() {
        String id = "t-" + UUID.randomUUID();
        given().auth().preemptive().basic(KEY, "").contentType(ContentType.JSON)
                .body("""
                        {"event":"clue_found","userId":"p","messageId":"%s",
                         "properties":{"session_id":"s","hunt_id":"h","clue_id":"c","clue_index":"two"}}""".formatted(id))
                .when().post("/v1/track")
                .then().statusCode(400)
                .body("results[0].status", equalTo("rejected"))
                .body("results[0].reason", equalTo("wrong_type"))
                .body("results[0].path", equalTo("$.properties.clue_index"));
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            Message<byte[]> message = probe.awaitOne(Topics.REJECTED, TopicProbe.property(Topics.PROP_EVENT_ID, id), Duration.ofSeconds(10));
            assertEquals("wrong_type", message.getProperty("reason"));
        }
    }
}
