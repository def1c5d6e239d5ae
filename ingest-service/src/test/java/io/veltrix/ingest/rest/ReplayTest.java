package io.veltrix.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.veltrix.ingest.support.ProbeSchemas;
import io.veltrix.testing.RealStackResource;
import io.veltrix.ingest.support.Rejections;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.testing.TopicProbe;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;

/**
 * Events of a type nobody registered yet are rejected; once its schema is registered, a replay moves them to
 * events.raw with their original messageId, once; what still fails is kept again with stage replay and its new
 * reason; a second run publishes nothing again.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class ReplayTest {

    static final String ADMIN = "Bearer test-admin-token";

    @Inject
    RegistryCodec codec;

    @Test
    void aReplayAfterTheSchemaIsRegisteredPublishesTheRejectedEventsOnce() {
        Instant from = Instant.now().minusSeconds(2);
        String type = ProbeSchemas.newEventType("replay_probe");
        String id = "rp-" + UUID.randomUUID();
        String batch = "{\"batch\":["
                + event(type, id + "-1", "3") + "," + event(type, id + "-2", "4") + ","
                + event(type, id + "-3", "\"high\"") + ","
                + event(type, null, "5") + "]}";
        JsonPath first = given().auth().preemptive().basic("test-write-key", "").contentType(ContentType.JSON).body(batch)
                .when().post("/v1/batch")
                .then().statusCode(200).body("rejected", equalTo(4))
                .body("results[0].reason", equalTo("unknown_event_type"))
                .extract().jsonPath();
        String generatedId = first.getString("results[3].messageId");
        assertNotNull(generatedId);

        ProbeSchemas.register(RealStackResource.TestStack.get(), ProbeSchemas.trackSchema(type,
                ProbeSchemas.properties(type).name("level").type().intType().noDefault()));

        String replay = "{\"from\":\"" + from + "\",\"eventTypes\":[\"" + type + "\"],\"reasons\":[\"unknown_event_type\"]}";
        given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(replay.replace("}", ",\"dryRun\":true}"))
                .when().post("/admin/v1/replay")
                .then().statusCode(200)
                .body("dryRun", equalTo(true)).body("candidates", equalTo(4))
                .body("accepted", equalTo(3)).body("rejected", equalTo(1));
        given().header("Authorization", ADMIN).contentType(ContentType.JSON).body(replay)
                .when().post("/admin/v1/replay")
                .then().statusCode(200)
                .body("dryRun", equalTo(false))
                .body("matched", equalTo(4)).body("candidates", equalTo(4))
                .body("accepted", equalTo(3)).body("rejected", equalTo(1))
                .body("results.find { it.status == 'rejected' }.reason", equalTo("wrong_type"))
                .body("results.find { it.status == 'rejected' }.path", equalTo("$.properties.level"));

        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            for (String eventId : List.of(id + "-1", id + "-2", generatedId)) {
                List<Message<byte[]>> raw = probe.readAll(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, eventId));
                assertEquals(1, raw.size(), eventId + " on events.raw once");
                assertNotNull(raw.get(0).getProperty("replay_of"));
                GenericRecord event = codec.decode(raw.get(0).getValue()).record();
                assertEquals(eventId, ((GenericRecord) event.get("envelope")).get("event_id").toString(),
                        "the original messageId (generated at ingest when the client sent none)");
            }
        }
        List<Rejections.Found> third = Rejections.ofEvent(codec, id + "-3", 2);
        assertEquals("ingest", third.get(0).field("stage"));
        assertEquals("unknown_event_type", third.get(0).field("reason"));
        assertEquals("replay", third.get(1).field("stage"));
        assertEquals("wrong_type", third.get(1).field("reason"));
        assertEquals(third.get(0).field("rejection_id"), third.get(1).message().getProperty("replay_of"));
        assertEquals(third.get(0).payloadText(), third.get(1).payloadText(), "the same bytes, verbatim");

        // again: nothing is published twice, nothing is rejected twice
        given().header("Authorization", ADMIN).contentType(ContentType.JSON).body(replay)
                .when().post("/admin/v1/replay")
                .then().statusCode(200)
                .body("accepted", equalTo(0)).body("rejected", equalTo(0))
                .body("skippedAlreadyReplayed", equalTo(3)).body("skippedUnchanged", equalTo(1));
        // the still-failing event, by its new reason: unchanged schema, so skipped too
        given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body("{\"from\":\"" + from + "\",\"eventTypes\":[\"" + type + "\"],\"reasons\":[\"wrong_type\"]}")
                .when().post("/admin/v1/replay")
                .then().statusCode(200).body("candidates", equalTo(1)).body("skippedUnchanged", equalTo(1));
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            assertEquals(1, probe.readAll(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, id + "-1")).size());
            assertEquals(2, probe.readAll(Topics.REJECTED, TopicProbe.property(Topics.PROP_EVENT_ID, id + "-3")).size());
        }
    }

    private static String event(String type, String messageId, String level) {
        return "{\"type\":\"track\",\"event\":\"" + type + "\",\"userId\":\"p-replay\""
                + (messageId == null ? "" : ",\"messageId\":\"" + messageId + "\"")
                + ",\"properties\":{\"level\":" + level + "}}";
    }
}
