package io.veltrix.experiments.rest;

import static io.restassured.RestAssured.given;
import static io.veltrix.experiments.support.Api.admin;
import static io.veltrix.experiments.support.Api.reader;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.experiments.support.Api;
import io.veltrix.testing.RealStackResource;
import org.junit.jupiter.api.Test;

/** Create, read, update, start, stop, archive, and the phases a running experiment's changes open. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class ExperimentsLifecycleTest {

    @Test
    void lifeCycleWithPhases() {
        String key = Api.uniqueKey("lifecycle");
        admin().body(Api.twoVariants(key, 1, 0.5)).post("/api/v1/experiments").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/experiments/" + key))
                .body("key", equalTo(key)).body("status", equalTo("draft")).body("phase", nullValue())
                .body("variants[1].parameters.coins_multiplier", equalTo(1.5f))
                .body("variants[1].index", equalTo(1))
                .body("primaryMetric.kind", equalTo("conversion")).body("primaryMetric.direction", equalTo("higher"))
                .body("primaryMetric.capping", nullValue())
                .body("analysis.method", equalTo("sequential")).body("analysis.scale", equalTo("relative"))
                .body("guardrailMetrics[0].name", equalTo("purchase_completed.revenue"));
        reader().get("/api/v1/experiments/" + key).then().statusCode(200).body("name", equalTo("Treasure bonus " + key));
        reader().get("/api/v1/experiments?status=draft").then().statusCode(200).body("key", hasItem(key));

        // a draft changes freely, without phases
        admin().body(Api.twoVariants(key, 0.9, 0.5)).put("/api/v1/experiments/" + key).then().statusCode(200)
                .body("coverage", equalTo(0.9f)).body("phase", nullValue());

        admin().post("/api/v1/experiments/" + key + "/start").then().statusCode(200)
                .body("status", equalTo("running")).body("phase", equalTo(1)).body("startedAt", notNullValue());
        admin().post("/api/v1/experiments/" + key + "/start").then().statusCode(409).body("error", equalTo("invalid_transition"));

        // new weights while running: phase 2, and phase 1 is closed
        admin().body(Api.twoVariants(key, 0.9, 0.3)).put("/api/v1/experiments/" + key).then().statusCode(200)
                .body("phase", equalTo(2)).body("variants[0].weight", equalTo(0.3f));
        reader().get("/api/v1/experiments/" + key + "/phases").then().statusCode(200)
                .body("size()", equalTo(2))
                .body("[0].number", equalTo(1)).body("[0].endedAt", notNullValue()).body("[0].reason", equalTo("started"))
                .body("[0].variants[0].weight", equalTo(0.5f))
                .body("[1].number", equalTo(2)).body("[1].endedAt", nullValue()).body("[1].reason", equalTo("weights changed"))
                .body("[1].variants[0].weight", equalTo(0.3f)).body("[1].coverage", equalTo(0.9f));

        // same definition again: nothing changes, no new phase
        admin().body(Api.twoVariants(key, 0.9, 0.3)).put("/api/v1/experiments/" + key).then().statusCode(200).body("phase", equalTo(2));

        // variant keys are locked while running
        admin().body(Api.twoVariants(key, 0.9, 0.3).replace("\"bonus\"", "\"bigger\"")).put("/api/v1/experiments/" + key)
                .then().statusCode(409).body("error", equalTo("variants_locked"));

        admin().post("/api/v1/experiments/" + key + "/stop").then().statusCode(200)
                .body("status", equalTo("stopped")).body("stoppedAt", notNullValue());
        reader().get("/api/v1/experiments/" + key + "/phases").then().body("[1].endedAt", notNullValue());
        // a restart opens phase 3
        admin().post("/api/v1/experiments/" + key + "/start").then().statusCode(200).body("phase", equalTo(3));
        admin().post("/api/v1/experiments/" + key + "/archive").then().statusCode(200).body("status", equalTo("archived"));
        reader().get("/api/v1/experiments/" + key + "/phases").then().body("[2].endedAt", notNullValue())
                .body("[2].reason", equalTo("restarted"));
        admin().body(Api.twoVariants(key, 1, 0.5)).put("/api/v1/experiments/" + key).then().statusCode(409)
                .body("error", equalTo("archived"));
    }

    @Test
    void tokens() {
        String key = Api.uniqueKey("tokens");
        given().contentType("application/json").body(Api.twoVariants(key, 1, 0.5)).post("/api/v1/experiments")
                .then().statusCode(401).body("error", equalTo("unauthorized"))
                .header("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer"));
        given().header("Authorization", "Bearer wrong").get("/api/v1/experiments").then().statusCode(401);
        given().get("/api/v1/experiments").then().statusCode(401);
        reader().contentType("application/json").body(Api.twoVariants(key, 1, 0.5)).post("/api/v1/experiments")
                .then().statusCode(403).body("error", equalTo("forbidden"));
        reader().get("/api/v1/experiments/" + key).then().statusCode(404).body("error", equalTo("not_found"));
        admin().get("/api/v1/experiments/" + key).then().statusCode(404);
        admin().body(Api.twoVariants(key, 1, 0.5)).post("/api/v1/experiments").then().statusCode(201);
        admin().body(Api.twoVariants(key, 1, 0.5)).post("/api/v1/experiments").then().statusCode(409)
                .body("error", equalTo("key_exists"));
    }
}
