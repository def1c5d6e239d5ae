package io.veltrix.experiments.rest;

import static io.veltrix.experiments.support.Api.admin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.experiments.support.Api;
import io.veltrix.testing.RealStackResource;
import org.junit.jupiter.api.Test;

/** Invalid input: 400 with every offending field and the reason. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class ExperimentsValidationTest {

    @Test
    void everyBrokenRuleIsReportedWithItsField() {
        admin().body("""
                {"key": "bad key!", "name": "", "coverage": 1.5,
                 "variants": [{"key": "a", "weight": 0.7, "parameters": [1, 2]}, {"key": "a", "weight": 0.7}],
                 "primaryMetric": {"name": "Treasure Claimed", "kind": "median"},
                 "guardrailMetrics": [{"name": "purchase_completed.revenue"}]}
                """).post("/api/v1/experiments").then().statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("fields.field", hasItems("key", "name", "coverage", "variants[0].parameters", "variants[1].key",
                        "variants", "primaryMetric.name", "primaryMetric.kind", "guardrailMetrics[0].kind"))
                .body("fields.find { it.field == 'variants' }.reason", equalTo("the weights must add up to 1 (they add up to 1.4)"))
                .body("fields.find { it.field == 'variants[1].key' }.reason", equalTo("duplicate variant key 'a'"));
    }

    @Test
    void analysisSettingsAndMetricOptionsAreChecked() {
        admin().body(Api.experiment(Api.uniqueKey("bad-analysis"),
                        "{\"name\": \"treasure_claimed\", \"kind\": \"conversion\", \"capping\": {\"type\": \"absolute\", \"value\": 5}}",
                        "[{\"name\": \"support_ticket\", \"kind\": \"conversion\", \"direction\": \"down\"},"
                                + " {\"name\": \"purchase_completed.revenue\", \"kind\": \"mean\", \"capping\": {\"type\": \"quantile\", \"value\": 1.5}}]",
                        "{\"method\": \"bayesian\", \"scale\": \"log\", \"correction\": \"bonferroni\", \"sequentialTuning\": 0, "
                                + "\"minParticipants\": 1, \"minConversions\": -1, \"cupedWindowDays\": 90, \"targetMde\": 0}"))
                .post("/api/v1/experiments").then().statusCode(400)
                .body("fields.field", hasItems("primaryMetric.capping", "guardrailMetrics[0].direction",
                        "guardrailMetrics[1].capping.value", "analysis.method", "analysis.scale", "analysis.correction",
                        "analysis.sequentialTuning", "analysis.minParticipants", "analysis.minConversions",
                        "analysis.cupedWindowDays", "analysis.targetMde"))
                .body("fields.find { it.field == 'primaryMetric.capping' }.reason", equalTo("only mean metrics are capped"));
    }

    @Test
    void tooFewVariantsAndMissingMetric() {
        admin().body("{\"key\": \"%s\", \"name\": \"x\", \"variants\": [{\"key\": \"only\", \"weight\": 1}]}"
                        .formatted(Api.uniqueKey("few")))
                .post("/api/v1/experiments").then().statusCode(400)
                .body("fields.field", hasItems("variants", "primaryMetric"));
    }

    @Test
    void wrongTypesAndMalformedJsonNameTheField() {
        admin().body("{\"key\": \"x\", \"name\": \"x\", \"coverage\": \"most\"}").post("/api/v1/experiments")
                .then().statusCode(400).body("fields[0].field", equalTo("coverage"));
        admin().body("{\"key\": ").post("/api/v1/experiments").then().statusCode(400)
                .body("error", equalTo("malformed_json")).body("fields[0].field", equalTo("body"));
    }

    @Test
    void theKeyCannotChangeOnUpdate() {
        String key = Api.uniqueKey("rename");
        admin().body(Api.twoVariants(key, 1, 0.5)).post("/api/v1/experiments").then().statusCode(201);
        admin().body(Api.twoVariants(key + "-other", 1, 0.5)).put("/api/v1/experiments/" + key).then().statusCode(400)
                .body("fields[0].field", equalTo("key"));
    }

    @Test
    void badQueryParameters() {
        Api.reader().get("/api/v1/experiments?status=paused").then().statusCode(400).body("fields[0].field", equalTo("status"));
        Api.reader().get("/api/v1/experiments/x/assignment").then().statusCode(400).body("fields[0].field", equalTo("playerId"));
        Api.reader().get("/api/v1/experiments/x/timeseries?interval=week").then().statusCode(400)
                .body("fields[0].field", equalTo("interval"));
    }
}
