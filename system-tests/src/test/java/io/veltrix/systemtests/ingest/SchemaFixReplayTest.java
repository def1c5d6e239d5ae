package io.veltrix.systemtests.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.veltrix.events.Envelope;
import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.registry.SchemaRegistrar;
import io.veltrix.stack.ServiceProcess;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import io.veltrix.testing.TopicProbe;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The origin story's fix: a game sends a property its event type's schema does not have yet; ingest refuses those
 * events and keeps them. The team adds the property (a BACKWARD-compatible new version, checked by the registry),
 * replays the rejected events, and they are counted by the processor, once, even when the replay runs twice.
 * The event type is this test's own (registered here), so no other test sees its schema change.
 */
class SchemaFixReplayTest {

    private static TestServices services;
    private static StackInfo stack;
    private static ServiceProcess ingest;

    @BeforeAll
    static void start() {
        services = TestServices.get();   // the processor counts
        stack = services.stack();
        ingest = IngestProcesses.builder(stack, "replay-ingest").start();
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.stop();
        }
    }

    @Test
    void afterABackwardCompatibleFixTheReplayedEventsAreCountedOnce() {
        String type = "replay_fix_" + letters(10);
        String run = "rf-" + UUID.randomUUID();
        Instant from = Instant.now().minusSeconds(5);
        // a minute of its own in the past: what the processor counts there is this test's alone
        Instant minute = Instant.now().minus(Duration.ofMinutes(5 + ThreadLocalRandom.current().nextInt(20 * 24 * 60)))
                .truncatedTo(ChronoUnit.MINUTES);

        assertEquals("io.veltrix.events/" + EventCatalog.recordName(type) + ": created, version 1",
                register(version(type, false)).replaceAll(" \\(content id \\d+\\)", ""));

        List<String> events = new ArrayList<>();
        for (int i = 0; i < 2; i++) {             // valid in version 1
            events.add(event(type, run + "-ok-" + i, minute, "\"level\":" + i));
        }
        for (int i = 0; i < 5; i++) {             // 'bonus' is not in version 1
            events.add(event(type, run + "-fix-" + i, minute, "\"level\":" + i + ",\"bonus\":" + (10 * i)));
        }
        events.add(event(type, run + "-bad", minute, "\"level\":1,\"bonus\":\"lots\""));  // still wrong after the fix
        given().baseUri(ingest.baseUrl()).auth().preemptive().basic(IngestProcesses.WRITE_KEY, "")
                .contentType(ContentType.JSON).body("{\"batch\":[" + String.join(",", events) + "]}")
                .when().post("/v1/batch")
                .then().statusCode(200).body("accepted", equalTo(2)).body("rejected", equalTo(6))
                .body("results[2].reason", equalTo("unknown_property"))
                .body("results[2].path", equalTo("$.batch[2].properties.bonus"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> counted(type, minute) == 2);

        // the fix: an optional property with a default, BACKWARD compatible, accepted by the registry's rule
        assertEquals("io.veltrix.events/" + EventCatalog.recordName(type) + ": new version 2",
                register(version(type, true)).replaceAll(" \\(content id \\d+\\)", ""));

        String replay = "{\"from\":\"" + from + "\",\"eventTypes\":[\"" + type + "\"],\"reasons\":[\"unknown_property\"]}";
        given().baseUri(ingest.baseUrl()).header("Authorization", "Bearer " + IngestProcesses.ADMIN_TOKEN)
                .contentType(ContentType.JSON).body(replay)
                .when().post("/admin/v1/replay")
                .then().statusCode(200)
                .body("candidates", equalTo(6))
                .body("accepted", equalTo(5))
                .body("rejected", equalTo(1))
                .body("results.find { it.status == 'rejected' }.reason", equalTo("wrong_type"));

        try (TopicProbe probe = TopicProbe.since(stack, from)) {
            for (int i = 0; i < 5; i++) {
                List<Message<byte[]>> raw = probe.readAll(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, run + "-fix-" + i));
                assertEquals(1, raw.size(), "on events.raw once");
                assertEquals("2", raw.get(0).getProperty(Topics.PROP_SCHEMA_VERSION), "validated against the fixed version");
            }
            List<Message<byte[]>> stillBad = probe.readAll(Topics.REJECTED, TopicProbe.property(Topics.PROP_EVENT_ID, run + "-bad"));
            assertEquals(2, stillBad.size());
            assertEquals("replay", stillBad.get(1).getProperty("stage"));
            assertEquals("wrong_type", stillBad.get(1).getProperty("reason"));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> counted(type, minute) == 7);
        Database db = new Database(stack);
        // each event has a player of its own, p-<messageId>
        assertEquals(7, db.number("select count(*) from processing.processed_event where player_id like ?", "p-" + run + "-%"));

        // run it again: nothing is published again, nothing counted again
        given().baseUri(ingest.baseUrl()).header("Authorization", "Bearer " + IngestProcesses.ADMIN_TOKEN)
                .contentType(ContentType.JSON).body(replay)
                .when().post("/admin/v1/replay")
                .then().statusCode(200)
                .body("accepted", equalTo(0)).body("rejected", equalTo(0))
                .body("skippedAlreadyReplayed", equalTo(5)).body("skippedUnchanged", equalTo(1));
        try (TopicProbe probe = TopicProbe.since(stack, from)) {
            assertEquals(5, probe.readAll(Topics.RAW, m -> m.getProperty(Topics.PROP_EVENT_ID) != null
                    && m.getProperty(Topics.PROP_EVENT_ID).startsWith(run + "-fix-")).size());
        }
        assertEquals(7, counted(type, minute));

        // the summary tells what is left
        given().baseUri(ingest.baseUrl()).header("Authorization", "Bearer " + IngestProcesses.ADMIN_TOKEN)
                .queryParam("from", from.toString()).queryParam("eventType", type).queryParam("stage", "replay")
                .when().get("/admin/v1/rejections/summary")
                .then().statusCode(200)
                .body("total", equalTo(1))
                .body("byReason.wrong_type", equalTo(1))
                .body("bySchemaVersion['" + type + ":2']", equalTo(1))
                .body("groups[0].examplePath", startsWith("$.properties.bonus"));
    }

    /** The processor's count of the event type in that minute (processing.traffic_minute, the read contract). */
    private static long counted(String type, Instant minute) {
        return new Database(stack).number("select coalesce(sum(events), 0) from processing.traffic_minute "
                + "where event_type = ? and minute = ?", type, java.time.OffsetDateTime.ofInstant(minute, java.time.ZoneOffset.UTC));
    }

    private static String event(String type, String id, Instant minute, String properties) {
        return "{\"type\":\"track\",\"event\":\"" + type + "\",\"userId\":\"p-" + id + "\",\"messageId\":\"" + id
                + "\",\"timestamp\":\"" + minute.plusSeconds(7) + "\",\"properties\":{" + properties + "}}";
    }

    /** Version 1: level; version 2 adds an optional bonus. */
    private static Schema version(String type, boolean withBonus) {
        SchemaBuilder.FieldAssembler<Schema> properties = SchemaBuilder.record(EventCatalog.recordName(type) + "Properties")
                .namespace(EventCatalog.EVENTS_GROUP).fields()
                .name("level").type().intType().noDefault();
        if (withBonus) {
            properties = properties.name("bonus").type().optional().intType();
        }
        return SchemaBuilder.record(EventCatalog.recordName(type)).namespace(EventCatalog.EVENTS_GROUP)
                .doc("test-only event type of SchemaFixReplayTest")
                .fields()
                .name("envelope").type(Envelope.getClassSchema()).noDefault()
                .name("properties").type(properties.endRecord()).noDefault()
                .endRecord();
    }

    private static String register(Schema schema) {
        return SchemaRegistrar.register(stack.registryUrl(), stack.registryWriter(), List.of(schema)).get(0);
    }

    private static String letters(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
        }
        return s.toString();
    }
}
