package io.veltrix.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.veltrix.testing.RealStackResource;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** What operators rely on: the OpenAPI description of every endpoint, readiness, metrics. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class OperabilityTest {

    /** The management interface (health, metrics, OpenAPI: a port of their own). */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void everyEndpointIsDescribedInOpenApi() {
        given().port(management.getPort()).accept(ContentType.JSON).when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("paths.keySet()", hasItems("/v1/batch", "/v1/import", "/v1/track", "/v1/identify", "/v1/page",
                        "/v1/screen", "/v1/group", "/v1/alias", "/admin/v1/replay", "/admin/v1/rejections/summary"))
                .body("paths['/v1/batch'].post.responses.keySet()", hasItems("200", "400", "401", "413", "415", "429", "503"))
                .body("paths.keySet()", org.hamcrest.Matchers.not(hasItems("/v1/t")))
                .body("paths['/v1/track'].post.responses.keySet()", hasItems("200", "400", "401", "413", "429", "503"))
                .body("paths['/admin/v1/replay'].post.responses.keySet()", hasItems("200", "401", "403", "409", "503"))
                .body("components.schemas.IngestResponse", notNullValue())
                .body("components.schemas.ReplayResponse", notNullValue())
                .body("components.schemas.RejectionSummary", notNullValue())
                .body("components.securitySchemes.writeKey.scheme", equalTo("basic"))
                .body("components.securitySchemes.adminToken.scheme", equalTo("bearer"));
    }

    @Test
    void readinessCoversPulsarAndTheRegistry() {
        given().port(management.getPort()).when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("schema-registry"))
                .body("checks.find { it.name == 'schema-registry' }.status", equalTo("UP"))
                .body("checks.find { it.name.contains('Messaging') }.data.events-raw", equalTo("[OK]"))
                .body("checks.find { it.name == 'events-raw-producer' }.status", equalTo("UP"));
    }

    @Test
    void metricsCountAcceptedAndRejectedEventsByReasonAndType() {
        given().auth().preemptive().basic("test-write-key", "").contentType(ContentType.JSON)
                .body("{\"event\":\"clue_found\",\"userId\":\"p-metrics\",\"properties\":"
                        + "{\"session_id\":\"s\",\"hunt_id\":\"h\",\"clue_id\":\"c\",\"clue_index\":\"x\"}}")
                .when().post("/v1/track").then().statusCode(400);
        given().port(management.getPort()).when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("veltrix_ingest_events_rejected_total{event_type=\"clue_found\",reason=\"wrong_type\",stage=\"ingest\"}"))
                .body(containsString("veltrix_ingest_publish_latency_seconds"))
                .body(containsString("veltrix_ingest_request_size_bytes"))
                .body(containsString("veltrix_ingest_request_decoded_size_bytes"))
                .body(containsString("veltrix_ingest_inflight_events"))
                .body(containsString("veltrix_ingest_inflight_bytes"))
                .body(containsString("veltrix_ingest_limited_total{limit=\"events_per_second\"}"))
                .body(containsString("veltrix_ingest_limited_total{limit=\"in_flight_bytes\"}"))
                .body(containsString("veltrix_ingest_rejections_not_kept_total"))
                .body(containsString("veltrix_ingest_write_keys"));
    }

    @Test
    void healthMetricsAndApiDocsAnswerOnlyOnTheManagementInterface() {
        for (String path : java.util.List.of("/q/health/ready", "/q/metrics", "/q/openapi", "/q/swagger-ui/")) {
            given().when().get(path).then().statusCode(404);
            given().port(management.getPort()).when().get(path).then().statusCode(org.hamcrest.Matchers.not(404));
        }
    }
}
