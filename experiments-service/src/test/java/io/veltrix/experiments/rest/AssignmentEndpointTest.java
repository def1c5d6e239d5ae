package io.veltrix.experiments.rest;

import static io.restassured.RestAssured.given;
import static io.veltrix.experiments.support.Api.reader;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.veltrix.experiments.service.GrowthBookBucketing;
import io.veltrix.experiments.service.GrowthBookBucketing.Placement;
import io.veltrix.experiments.support.Api;
import io.veltrix.testing.RealStackResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The assignment endpoints and the SDK payload of a running experiment with unequal weights and partial coverage. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class AssignmentEndpointTest {

    private static final double[] WEIGHTS = {0.2, 0.3, 0.5};

    private static String threeVariants(String key) {
        return """
                {"key": "%s", "name": "Clue pricing", "coverage": 0.8,
                 "variants": [{"key": "control", "weight": 0.2, "parameters": {"clue_price": 10}},
                              {"key": "cheap", "weight": 0.3, "parameters": {"clue_price": 5}},
                              {"key": "free-first", "weight": 0.5, "parameters": {"clue_price": 10, "first_free": true}}],
                 "primaryMetric": {"name": "clue_found", "kind": "mean"}}
                """.formatted(key);
    }

    @Test
    void assignmentsFollowGrowthBookHashing() {
        String key = Api.uniqueKey("clue-pricing");
        Api.admin().body(threeVariants(key)).post("/api/v1/experiments").then().statusCode(201);
        reader().get("/api/v1/experiments/" + key + "/assignment?playerId=player-1").then().statusCode(200)
                .body("inExperiment", equalTo(false)).body("reason", equalTo("not_running")).body("variant", nullValue());
        Api.admin().post("/api/v1/experiments/" + key + "/start").then().statusCode(200);

        int in = 0;
        int out = 0;
        for (int i = 0; i < 120; i++) {
            String player = "p-" + i;
            Placement expected = GrowthBookBucketing.place(key, 0.8, WEIGHTS, player);
            JsonPath got = reader().get("/api/v1/experiments/" + key + "/assignment?playerId=" + player).then().statusCode(200)
                    .extract().jsonPath();
            assertEquals(expected.inExperiment(), got.getBoolean("inExperiment"), player);
            assertEquals(expected.bucket(), got.getDouble("bucket"), 0, player);
            if (expected.inExperiment()) {
                in++;
                assertEquals(expected.variant(), got.getInt("variationId"), player);
                assertEquals(List.of("control", "cheap", "free-first").get(expected.variant()), got.getString("variant"));
                assertEquals("assigned", got.getString("reason"));
                assertEquals(1, got.getInt("phase"));
            } else {
                out++;
                assertEquals("outside_coverage", got.getString("reason"), player);
            }
        }
        assertEquals(120, in + out);
        org.junit.jupiter.api.Assertions.assertTrue(out > 5 && in > 80, "coverage 0.8: " + in + " in, " + out + " out");

        Api.sdk().get("/api/v1/assignments?playerId=p-7").then().statusCode(200).body("experimentKey", hasItem(key));
        reader().get("/api/v1/experiments/no-such-" + key + "/assignment?playerId=x").then().statusCode(404);
    }

    @Test
    void sdkPayloadServesRunningExperimentsOnly() {
        String key = Api.uniqueKey("sdk");
        Api.admin().body(threeVariants(key)).post("/api/v1/experiments").then().statusCode(201);
        Api.sdk().get("/api/v1/sdk/features").then().statusCode(200).body("features." + key, nullValue());
        Api.admin().post("/api/v1/experiments/" + key + "/start").then().statusCode(200);
        String rule = "features.'" + key + "'.rules[0]";
        for (var response : List.of(Api.sdk().get("/api/v1/sdk/features"), given().get("/api/features/" + Api.SDK_KEY))) {
            response.then().statusCode(200)
                    .body("status", equalTo(200))
                    .body("features.'" + key + "'.defaultValue", nullValue())
                    .body(rule + ".key", equalTo(key)).body(rule + ".seed", equalTo(key))
                    .body(rule + ".hashVersion", equalTo(2)).body(rule + ".hashAttribute", equalTo("id"))
                    .body(rule + ".coverage", equalTo(0.8f))
                    .body(rule + ".weights", equalTo(List.of(0.2f, 0.3f, 0.5f)))
                    .body(rule + ".meta.key", equalTo(List.of("control", "cheap", "free-first")))
                    .body(rule + ".variations[2]", equalTo(Map.of("clue_price", 10, "first_free", true)))
                    .body(rule + ".phase", equalTo("1"));
        }
        given().get("/api/features/not-a-token").then().statusCode(401);
        given().get("/api/v1/sdk/features").then().statusCode(401);
        Api.admin().post("/api/v1/experiments/" + key + "/stop").then().statusCode(200);
        Api.sdk().get("/api/v1/sdk/features").then().statusCode(200).body("features." + key, nullValue());
    }
}
