package io.veltrix.experiments.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.veltrix.experiments.support.Api;
import io.veltrix.experiments.support.Seeder;
import io.veltrix.testing.RealStackResource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API calls the console adds: the event catalogue metrics are picked from, the caller's roles, the live time
 * series by minute, and ingest's rejected-events summary read through experiments-service with the caller's token.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = IngestStub.class, restrictToAnnotatedClass = true)
class ConsoleApiTest {

    @Test
    void theCatalogueListsEventTypesWithTheirNumericPropertiesButNoExposures() {
        JsonPath catalog = Api.reader().get("/api/v1/catalog/events").then().statusCode(200).extract().jsonPath();
        List<String> types = catalog.getList("eventTypes.eventType");
        assertTrue(types.containsAll(List.of("purchase_completed", "treasure_claimed", "session_started", "clue_found")), types.toString());
        assertTrue(!types.contains("experiment_viewed") && !types.contains("rejected_event"), types.toString());
        Map<String, Object> purchase = catalog.getMap("eventTypes.find { it.eventType == 'purchase_completed' }");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> numbers = (List<Map<String, Object>>) purchase.get("numericProperties");
        assertEquals(List.of("revenue", "quantity"), numbers.stream().map(n -> n.get("name")).toList());
        assertEquals("purchase_completed.revenue", numbers.get(0).get("metric"));
        assertEquals(0.0, ((Number) numbers.get(0).get("minimum")).doubleValue());
        assertEquals(1e9, ((Number) numbers.get(0).get("maximum")).doubleValue());
        // text properties are not metrics
        Api.reader().get("/api/v1/catalog/events").then()
                .body("eventTypes.find { it.eventType == 'purchase_completed' }.numericProperties.name", not(hasItem("currency")));
        Api.sdk().get("/api/v1/catalog/events").then().statusCode(403);
        given().get("/api/v1/catalog/events").then().statusCode(401);
    }

    @Test
    void theSessionSaysWhetherTheTokenMayChangeExperiments() {
        Api.admin().get("/api/v1/session").then().statusCode(200).body("canWrite", equalTo(true))
                .body("roles", equalTo(List.of("admin", "analyst")));
        Api.reader().get("/api/v1/session").then().statusCode(200).body("canWrite", equalTo(false))
                .body("roles", equalTo(List.of("analyst")));
        Api.sdk().get("/api/v1/session").then().statusCode(403);
        given().header("Authorization", "Bearer wrong").get("/api/v1/session").then().statusCode(401);
    }

    @Test
    void theTimeSeriesCountsParticipantsByMinute() throws Exception {
        String key = Api.uniqueKey("console-minute");
        Api.createAndStart(Api.twoVariants(key, 1, 0.5), key);
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        try (Seeder seeder = new Seeder()) {
            seeder.backdateCurrentPhase(key, Duration.ofMinutes(30));
            // control: 2 players in minute 0 and 1 in minute 3; bonus: 1 in minute 1
            seeder.player(key, "control", start.plusSeconds(5));
            seeder.player(key, "control", start.plusSeconds(50));
            seeder.player(key, "control", start.plusSeconds(185));
            seeder.player(key, "bonus", start.plusSeconds(70));
            seeder.flush();
        }
        JsonPath series = Api.reader().get("/api/v1/experiments/" + key + "/timeseries?interval=minute").then()
                .statusCode(200).body("interval", equalTo("minute")).extract().jsonPath();
        List<String> buckets = series.getList("points.bucket");
        assertEquals(4, buckets.size(), buckets.toString());
        assertEquals(start, Instant.parse(buckets.get(0)));
        assertEquals(start.plusSeconds(180), Instant.parse(buckets.get(3)));
        assertEquals(List.of(2, 2, 2, 3), series.getList("points.collect { it.variants[0].participants }"));
        assertEquals(List.of(0, 1, 1, 1), series.getList("points.collect { it.variants[1].participants }"));
        Api.reader().get("/api/v1/experiments/" + key + "/timeseries?interval=second").then().statusCode(400)
                .body("fields[0].field", equalTo("interval")).body("fields[0].reason", equalTo("must be minute, hour or day"));
    }

    @Test
    void theRejectedEventsSummaryComesFromIngestWithTheCallersToken() {
        Api.reader().queryParam("from", "2026-01-01T00:00:00Z").queryParam("eventType", "treasure_claimed")
                .get("/api/v1/data-quality/rejections").then().statusCode(200)
                .body("total", equalTo(7)).body("byReason.wrong_type", equalTo(5))
                .body("groups[0].examplePath", equalTo("$.batch[3].properties.coins"));
        assertEquals("Bearer " + Api.READ_TOKEN, IngestStub.lastAuthorization);
        assertTrue(IngestStub.lastQuery.contains("from=2026-01-01T00%3A00%3A00Z")
                || IngestStub.lastQuery.contains("from=2026-01-01T00:00:00Z"), IngestStub.lastQuery);
        assertTrue(IngestStub.lastQuery.contains("eventType=treasure_claimed"), IngestStub.lastQuery);
        // the SDK key is refused here, before ingest is asked
        IngestStub.lastAuthorization = null;
        Api.sdk().get("/api/v1/data-quality/rejections").then().statusCode(403);
        assertEquals(null, IngestStub.lastAuthorization);
    }
}
