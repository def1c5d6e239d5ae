package io.veltrix.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.veltrix.ingest.support.ProbeSchemas;
import io.veltrix.testing.RealStackResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The admin API's tokens and the rejected-events summary, computed from events.rejected. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class AdminApiTest {

    static final String ADMIN = "Bearer test-admin-token";
    static final String READER = "Bearer test-read-token";

    @Test
    void theAdminApiWantsItsTokens() {
        given().when().get("/admin/v1/rejections/summary")
                .then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"))
                .body("reason", equalTo("unauthorized"));
        // a token nobody configured is no identity: 401 like no token
        given().header("Authorization", "Bearer nope").when().get("/admin/v1/rejections/summary")
                .then().statusCode(401).body("reason", equalTo("unauthorized"));
        given().header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("test-write-key:".getBytes()))
                .when().get("/admin/v1/rejections/summary")
                .then().statusCode(401);
        given().header("Authorization", READER).when().get("/admin/v1/rejections/summary").then().statusCode(200);
        given().header("Authorization", ADMIN).when().get("/admin/v1/rejections/summary").then().statusCode(200);

        String replay = "{\"from\":\"" + Instant.now().minusSeconds(60) + "\",\"dryRun\":true,\"eventTypes\":[\"none_such\"]}";
        given().contentType(ContentType.JSON).body(replay).when().post("/admin/v1/replay").then().statusCode(401);
        given().header("Authorization", READER).contentType(ContentType.JSON).body(replay)
                .when().post("/admin/v1/replay").then().statusCode(403).body("reason", equalTo("forbidden"));
        // refused before the body is read
        given().header("Authorization", "Bearer nope").contentType(ContentType.JSON).body("not even JSON")
                .when().post("/admin/v1/replay").then().statusCode(401);
        given().header("Authorization", READER).contentType(ContentType.JSON).body("not even JSON")
                .when().post("/admin/v1/replay").then().statusCode(403);
        given().header("Authorization", ADMIN).contentType(ContentType.JSON).body(replay)
                .when().post("/admin/v1/replay").then().statusCode(200).body("dryRun", equalTo(true));
        given().header("Authorization", ADMIN).contentType(ContentType.JSON).body("{\"to\":\"2026-01-01T00:00:00Z\"}")
                .when().post("/admin/v1/replay").then().statusCode(400).body("reason", equalTo("invalid_request"));
        given().header("Authorization", ADMIN).when().get("/admin/v1/rejections/summary?from=yesterday")
                .then().statusCode(400).body("path", equalTo("$.from"));
    }

    @Test
    void rejectionsAreCountedByReasonEventTypeSchemaVersionSdkAndSource() {
        Instant from = Instant.now().minusSeconds(5);
        String unknownType = ProbeSchemas.newEventType("summary_probe");
        String sdk = "probe-sdk-" + UUID.randomUUID();
        String context = ",\"context\":{\"library\":{\"name\":\"" + sdk + "\",\"version\":\"1.2.3\"}}";
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 3; i++) {   // wrong type
            batch.append("{\"type\":\"track\",\"event\":\"clue_found\",\"userId\":\"p\"").append(context)
                    .append(",\"properties\":{\"session_id\":\"s\",\"hunt_id\":\"h\",\"clue_id\":\"c\",\"clue_index\":\"x\"}},");
        }
        for (int i = 0; i < 2; i++) {   // not a registered event type
            batch.append("{\"type\":\"track\",\"event\":\"").append(unknownType).append("\",\"userId\":\"p\"")
                    .append(context).append("},");
        }
        batch.append("{\"type\":\"identify\",\"userId\":\"p\"").append(context).append(",\"traits\":{\"age\":3}}]}");
        given().auth().preemptive().basic("other-write-key", "").contentType(ContentType.JSON).body(batch.toString())
                .when().post("/v1/batch")
                .then().statusCode(200).body("rejected", equalTo(6));

        JsonPath all = given().header("Authorization", READER)
                .queryParam("from", from.toString()).queryParam("to", Instant.now().plusSeconds(5).toString())
                .queryParam("groups", 1000)
                .when().get("/admin/v1/rejections/summary")
                .then().statusCode(200).extract().jsonPath();
        // the SDK name is this test's own: its counts are exact whatever else was rejected meanwhile
        assertEquals(6, all.getInt("bySdk['" + sdk + " 1.2.3']"));
        List<Map<String, Object>> groups = all.getList("groups.findAll { it.sdk == '" + sdk + " 1.2.3' }");
        assertEquals(3, groups.size(), groups.toString());
        Map<String, Object> wrongType = group(groups, "wrong_type");
        assertEquals(3, wrongType.get("count"));
        assertEquals("clue_found", wrongType.get("eventType"));
        assertEquals(true, ((String) wrongType.get("schemaVersion")).startsWith("clue_found:"));
        assertEquals("other-game", wrongType.get("sourceId"));
        assertEquals("ingest", wrongType.get("stage"));
        assertEquals("$.batch[2].properties.clue_index", wrongType.get("examplePath"));
        assertEquals(2, group(groups, "unknown_event_type").get("count"));
        assertEquals("(none)", group(groups, "unknown_event_type").get("schemaVersion"));
        assertEquals(1, group(groups, "unknown_property").get("count"));

        // filtered by an event type of this test only: exact totals
        given().header("Authorization", ADMIN)
                .queryParam("from", from.toString()).queryParam("eventType", unknownType)
                .when().get("/admin/v1/rejections/summary")
                .then().statusCode(200)
                .body("total", equalTo(2))
                .body("byReason.unknown_event_type", equalTo(2))
                .body("bySource['other-game']", equalTo(2))
                .body("byEventType." + unknownType, equalTo(2));
    }

    private static Map<String, Object> group(List<Map<String, Object>> groups, String reason) {
        return groups.stream().filter(g -> reason.equals(g.get("reason"))).findFirst()
                .orElseThrow(() -> new AssertionError("no group for " + reason + " in " + groups));
    }
}
