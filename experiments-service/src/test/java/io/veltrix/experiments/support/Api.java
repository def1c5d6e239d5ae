package io.veltrix.experiments.support;

import static io.restassured.RestAssured.given;

import io.restassured.config.JsonConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;

/** rest-assured with the test tokens (application.properties, %test), and experiment bodies. */
public final class Api {

    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final String READ_TOKEN = "test-read-token";
    public static final String SDK_KEY = "test-sdk-key";

    private Api() {
    }

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    public static RequestSpecification reader() {
        return given().header("Authorization", "Bearer " + READ_TOKEN);
    }

    /** The SDK key (role sdk: assignments and the SDK payload). */
    public static RequestSpecification sdk() {
        return given().header("Authorization", "Bearer " + SDK_KEY);
    }

    /** Read token; JSON numbers as doubles (rest-assured's default is float). */
    public static RequestSpecification preciseReader() {
        return reader().config(RestAssuredConfig.config().jsonConfig(JsonConfig.jsonConfig()
                .numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE)));
    }

    /** A key of this test's own. */
    public static String uniqueKey(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A two-variant experiment body. */
    public static String twoVariants(String key, double coverage, double controlWeight) {
        return """
                {"key": "%s", "name": "Treasure bonus %s", "description": "Does a bigger bonus make players claim more treasures?",
                 "coverage": %s,
                 "variants": [
                   {"key": "control", "name": "Control", "weight": %s, "parameters": {"coins_multiplier": 1}},
                   {"key": "bonus", "name": "Bonus", "weight": %s, "parameters": {"coins_multiplier": 1.5, "label": "x1.5"}}],
                 "primaryMetric": {"name": "treasure_claimed", "kind": "conversion"},
                 "guardrailMetrics": [{"name": "purchase_completed.revenue", "kind": "mean"}]}
                """.formatted(key, key, coverage, controlWeight, 1 - controlWeight);
    }

    /**
     * A two-variant (control / bonus, 50/50) experiment body with the given metrics and analysis settings (JSON
     * texts; analysis may be null).
     */
    public static String experiment(String key, String primaryMetric, String guardrailMetrics, String analysis) {
        return """
                {"key": "%s", "name": "Treasure bonus %s", "coverage": 1,
                 "variants": [
                   {"key": "control", "name": "Control", "weight": 0.5, "parameters": {"coins_multiplier": 1}},
                   {"key": "bonus", "name": "Bonus", "weight": 0.5, "parameters": {"coins_multiplier": 1.5}}],
                 "primaryMetric": %s,
                 "guardrailMetrics": %s%s}
                """.formatted(key, key, primaryMetric, guardrailMetrics, analysis == null ? "" : ", \"analysis\": " + analysis);
    }

    /** Creates and starts; returns the create response. */
    public static ValidatableResponse createAndStart(String body, String key) {
        ValidatableResponse created = admin().body(body).post("/api/v1/experiments").then().statusCode(201);
        admin().post("/api/v1/experiments/" + key + "/start").then().statusCode(200);
        return created;
    }
}
