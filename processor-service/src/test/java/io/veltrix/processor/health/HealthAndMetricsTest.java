package io.veltrix.processor.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.testing.RealStackResource;
import java.net.URL;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class HealthAndMetricsTest {

    /** The management interface (health, metrics, OpenAPI: a port of their own). */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void readyWithTheDatabaseTheConsumerAndTheExperimentDefinitions() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().port(management.getPort()).when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("experiment definitions")));
    }

    @Test
    void backlogAndDeadLetterSizeAreSampledFromThePulsarAdminApi() {
        Pattern backlog = Pattern.compile("(?m)^veltrix_processor_backlog(\\{[^}]*\\})? [0-9.E]+$");
        Pattern dlq = Pattern.compile("(?m)^veltrix_processor_dlq_size(\\{[^}]*\\})? [0-9.E]+$");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String metrics = given().port(management.getPort()).when().get("/q/metrics").then().statusCode(200).extract().asString();
            return backlog.matcher(metrics).find() && dlq.matcher(metrics).find();
        });
        given().port(management.getPort()).when().get("/q/metrics").then()
                .body(containsString("veltrix_processor_latency_pipeline_seconds"))
                .body(containsString("veltrix_processor_dependency_available{dependency=\"database\"} 1.0"))
                .body(containsString("veltrix_processor_retention_partitions"))
                .body(containsString("veltrix_processor_experiments_known"));
    }

    @Test
    void theConnectorFetchesAtMostSixteenBatchesAhead() {
        // set at start, before the connector's channels exist (ConnectorLookAhead): Mutiny's emitOn reads it then
        assertEquals("16", System.getProperty("mutiny.buffer-size.s"));
    }

    @Test
    void healthMetricsAndApiDocsAnswerOnlyOnTheManagementInterface() {
        for (String path : java.util.List.of("/q/health/ready", "/q/metrics", "/q/openapi", "/q/swagger-ui/")) {
            given().when().get(path).then().statusCode(404);
            given().port(management.getPort()).when().get(path).then().statusCode(org.hamcrest.Matchers.not(404));
        }
    }
}
