package io.veltrix.experiments.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.experiments.support.Api;
import io.veltrix.testing.RealStackResource;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAPI describes every endpoint, readiness checks the database, metrics are exported, the page is served. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class OperabilityTest {

    /** The management interface (health, metrics, OpenAPI: a port of their own). */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void openApiDescribesEveryEndpoint() {
        var paths = given().port(management.getPort()).accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        for (String path : List.of("/api/v1/experiments", "/api/v1/experiments/{key}", "/api/v1/experiments/{key}/start",
                "/api/v1/experiments/{key}/stop", "/api/v1/experiments/{key}/archive", "/api/v1/experiments/{key}/phases",
                "/api/v1/experiments/{key}/assignment", "/api/v1/experiments/{key}/results",
                "/api/v1/experiments/{key}/timeseries", "/api/v1/assignments", "/api/v1/sdk/features",
                "/api/features/{clientKey}", "/api/v1/traffic/{eventType}", "/dashboard")) {
            org.junit.jupiter.api.Assertions.assertNotNull(paths.get("paths.'" + path + "'"), "OpenAPI has " + path);
        }
        given().port(management.getPort()).accept("application/json").get("/q/openapi").then()
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("paths.'/api/v1/experiments'.post.responses.'400'", notNullValue())
                // a database that cannot serve a request: 503 with Retry-After, on every API operation
                .body("paths.'/api/v1/experiments'.post.responses.'503'.headers.'Retry-After'", notNullValue())
                .body("paths.'/api/v1/experiments/{key}/results'.get.responses.'503'", notNullValue())
                // the statistics the results carry are described, down to what a decision is made of
                .body("components.schemas.ResultsView.properties.analysis", notNullValue())
                .body("components.schemas.ResultsView.properties.excludedParticipants.description", notNullValue())
                .body("components.schemas.Comparison.properties.interval.description", notNullValue())
                .body("components.schemas.Comparison.properties.harmPValue.description", notNullValue())
                .body("components.schemas.Decision.enum", hasItem("not_enough_data"))
                .body("components.schemas.ExperimentRequest.properties.analysis.description", notNullValue())
                .body("components.schemas.AnalysisRequest.properties.method.enum", hasItem("fixed_horizon"));
    }

    @Test
    void readinessChecksTheDatabase() {
        given().port(management.getPort()).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("experiments-database"));
    }

    @Test
    void metricsAreExported() {
        Api.reader().get("/api/v1/experiments/no-such-experiment/assignment?playerId=p").then().statusCode(404);
        Api.reader().get("/api/v1/experiments/no-such-experiment/results").then().statusCode(404);
        given().get("/api/v1/experiments").then().statusCode(401);
        given().port(management.getPort()).get("/q/metrics").then().statusCode(200)
                .body(containsString("veltrix_experiments_assignments_total"))
                .body(containsString("veltrix_experiments_auth_refused_total"))
                .body(containsString("veltrix_experiments_results_duration_seconds"));
    }

    @Test
    void dashboardPageAndScriptAreServedWithoutData() {
        given().get("/dashboard").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<script src=\"/dashboard/dashboard.js\"></script>"));
        given().get("/dashboard/dashboard.js").then().statusCode(200).body(containsString("createElementNS"));
    }

    @Test
    void healthMetricsAndApiDocsAnswerOnlyOnTheManagementInterface() {
        for (String path : java.util.List.of("/q/health/ready", "/q/metrics", "/q/openapi", "/q/swagger-ui/")) {
            given().when().get(path).then().statusCode(404);
            given().port(management.getPort()).when().get(path).then().statusCode(org.hamcrest.Matchers.not(404));
        }
    }
}
