package io.veltrix.systemtests.experiments;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.veltrix.testing.TestServices;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.UUID;

/** Simulated players: the experiments API as marketing uses it, and events sent through ingest as a game does. */
final class Players {

    private final TestServices services;
    private final HttpClient http = HttpClient.newHttpClient();

    Players(TestServices services) {
        this.services = services;
    }

    RequestSpecification admin() {
        return given().baseUri(services.url(TestServices.EXPERIMENTS))
                .header("Authorization", "Bearer " + TestServices.EXPERIMENTS_ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    RequestSpecification reader() {
        return given().baseUri(services.url(TestServices.EXPERIMENTS))
                .header("Authorization", "Bearer " + TestServices.EXPERIMENTS_READ_TOKEN);
    }

    /** Creates and starts a two-variant (control / bonus) experiment on treasure_claimed conversion. */
    void startExperiment(String key, double controlWeight) {
        admin().body("""
                {"key": "%s", "name": "E2E treasure bonus %s",
                 "variants": [{"key": "control", "weight": %s, "parameters": {"coins_multiplier": 1}},
                              {"key": "bonus", "weight": %s, "parameters": {"coins_multiplier": 2}}],
                 "primaryMetric": {"name": "treasure_claimed", "kind": "conversion"},
                 "guardrailMetrics": [{"name": "treasure_claimed.coins", "kind": "mean"}]}
                """.formatted(key, key, controlWeight, 1 - controlWeight))
                .post("/api/v1/experiments").then().statusCode(201);
        admin().post("/api/v1/experiments/" + key + "/start").then().statusCode(200).body("status", equalTo("running"));
    }

    /**
     * The variants the experiments service assigns the players (null: not in the experiment), in order: one
     * assignment call per player, as game servers make them, 8 at a time over a keep-alive HttpClient.
     */
    List<String> assignedVariants(String key, List<String> players) {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        Semaphore inFlight = new Semaphore(8);
        for (String player : players) {
            inFlight.acquireUninterruptibly();
            answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(services.url(TestServices.EXPERIMENTS)
                                    + "/api/v1/experiments/" + key + "/assignment?playerId="
                                    + URLEncoder.encode(player, StandardCharsets.UTF_8)))
                            .header("Authorization", "Bearer " + TestServices.EXPERIMENTS_SDK_KEY).build(),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> inFlight.release()).thenApply(response -> {
                        assertEquals(200, response.statusCode(), response.body());
                        JsonPath answer = new JsonPath(response.body());
                        return answer.getBoolean("inExperiment") ? answer.getString("variant") : null;
                    }));
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    /** One experiment_viewed event per player: (player, variant) pairs. */
    void expose(String key, List<String[]> playersAndVariants) {
        send(playersAndVariants.stream().map(pv -> """
                {"type": "track", "event": "experiment_viewed", "userId": "%s", "messageId": "%s",
                 "properties": {"experiment_key": "%s", "variant": "%s"}}""".formatted(pv[0], UUID.randomUUID(), key, pv[1]))
                .toList());
    }

    /** One treasure_claimed event per player, worth {@code coins}. */
    void claimTreasure(List<String> players, long coins) {
        send(players.stream().map(p -> """
                {"type": "track", "event": "treasure_claimed", "userId": "%s", "messageId": "%s",
                 "properties": {"session_id": "s-%s", "hunt_id": "h-1", "treasure_id": "t-1", "tier": "rare", "coins": %d}}"""
                .formatted(p, UUID.randomUUID(), p, coins)).toList());
    }

    private void send(List<String> events) {
        for (int from = 0; from < events.size(); from += 400) {
            List<String> batch = events.subList(from, Math.min(events.size(), from + 400));
            given().baseUri(services.url(TestServices.INGEST))
                    .auth().preemptive().basic(TestServices.WRITE_KEY, "")
                    .contentType(ContentType.JSON)
                    .body("{\"batch\": [" + String.join(",", batch) + "]}")
                    .post("/v1/batch")
                    .then().statusCode(200).body("accepted", equalTo(batch.size()));
        }
    }
}
