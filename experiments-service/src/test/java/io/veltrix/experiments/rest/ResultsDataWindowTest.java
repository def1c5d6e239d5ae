package io.veltrix.experiments.rest;

import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.veltrix.experiments.support.Api;
import io.veltrix.experiments.support.Seeder;
import io.veltrix.experiments.support.Seeder.Player;
import io.veltrix.testing.RealStackResource;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who and what the results count: players exposed to several variants are left out and reported; a closed phase's
 * metrics stop at its end; when the events that needs are past the processor's retention, the results say so.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class ResultsDataWindowTest {

    @Test
    void playersExposedToSeveralVariantsAreLeftOutAndReported() throws Exception {
        String key = Api.uniqueKey("multi");
        Api.createAndStart(Api.twoVariants(key, 1, 0.5), key);
        Instant now = Instant.now();
        try (Seeder seeder = new Seeder()) {
            seeder.backdateCurrentPhase(key, Duration.ofHours(5));
            seeder.variant(key, "control", 300, 30, 0, 0, now.minus(Duration.ofHours(4)), now);
            seeder.variant(key, "bonus", 300, 30, 0, 0, now.minus(Duration.ofHours(4)), now);
            // 40 players first shown bonus, later control (a cached old assignment): every one of them claimed
            for (int i = 0; i < 40; i++) {
                Instant exposed = now.minus(Duration.ofHours(3));
                seeder.player(key, "bonus", exposed).multipleVariants().event("treasure_claimed", exposed.plusSeconds(60), Map.of());
            }
            seeder.flush();
        }
        Api.preciseReader().get("/api/v1/experiments/" + key + "/results").then().statusCode(200)
                .body("variants[1].participants", equalTo(300)).body("variants[1].excludedParticipants", equalTo(40))
                .body("variants[0].excludedParticipants", equalTo(0))
                .body("excludedParticipants", equalTo(40))
                .body("srm.observed", equalTo(List.of(300, 300))).body("srm.mismatch", equalTo(false))
                .body("metrics[0].variants[1].converted", equalTo(30))
                .body("metrics[0].variants[1].value", closeTo(0.1, 1e-12));
        Api.preciseReader().get("/api/v1/experiments/" + key + "/timeseries?interval=hour").then().statusCode(200)
                .body("points[-1].variants[1].participants", equalTo(300));
    }

    @Test
    void aClosedPhaseStopsCountingAtItsEnd() throws Exception {
        String key = Api.uniqueKey("cut");
        Api.createAndStart(Api.twoVariants(key, 1, 0.5), key);
        Api.admin().post("/api/v1/experiments/" + key + "/stop").then().statusCode(200);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant start = now.minus(Duration.ofHours(12));
        Instant end = now.minus(Duration.ofHours(4));
        try (Seeder seeder = new Seeder()) {
            seeder.setPhase(key, 1, start, end);
            // per variant 200 players exposed during the phase; every 4th claims during the phase, every 4th + 1 only
            // after its end (only the first count), and buyers pay 10 during the phase and 90 after it
            for (String variant : List.of("control", "bonus")) {
                for (int i = 0; i < 200; i++) {
                    Instant exposed = start.plus(Duration.ofMinutes(10 + 2 * i));
                    Player p = seeder.player(key, variant, exposed);
                    if (i % 4 == 0) {
                        p.event("treasure_claimed", exposed.plus(Duration.ofMinutes(30)), Map.of("coins", 100.0))
                                .event("purchase_completed", exposed.plus(Duration.ofMinutes(31)), Map.of("revenue", 10.0))
                                .event("purchase_completed", end.plus(Duration.ofHours(1)), Map.of("revenue", 90.0));
                    } else if (i % 4 == 1) {
                        p.event("treasure_claimed", end.plus(Duration.ofMinutes(30)), Map.of("coins", 100.0));
                    }
                }
            }
            // a player exposed after the phase ended is not a participant of it
            seeder.player(key, "control", end.plus(Duration.ofMinutes(5))).event("treasure_claimed", end.plus(Duration.ofMinutes(6)), Map.of());
            seeder.flush();
        }
        JsonPath json = Api.preciseReader().get("/api/v1/experiments/" + key + "/results").then().statusCode(200)
                .body("data.cutAtPhaseEnd", equalTo(true))
                .body("data.notes.size()", equalTo(0))
                .body("variants[0].participants", equalTo(200))
                .body("metrics[0].variants[0].converted", equalTo(50))
                .body("metrics[0].variants[0].value", closeTo(0.25, 1e-12))
                .body("metrics[1].variants[0].value", closeTo(50 * 10.0 / 200, 1e-12))
                .body("power[0].daysToGo", nullValue())
                .extract().jsonPath();
        assertEquals(50, json.getInt("metrics[0].variants[1].converted"));
        assertEquals(end, instant(json.getString("phase.endedAt")));
        assertEquals(end, instant(json.getString("data.metricsUntil")));
        // the time series stops at the end too
        JsonPath series = Api.preciseReader().get("/api/v1/experiments/" + key + "/timeseries?interval=hour").then().statusCode(200)
                .body("metricAvailable", equalTo(true)).extract().jsonPath();
        assertEquals(end, instant(series.getString("metricsUntil")));
        List<String> buckets = series.getList("points.bucket");
        assertTrue(instant(buckets.get(buckets.size() - 1)).isBefore(end), "no bucket after the end: " + buckets);
        assertEquals(0.25, series.getDouble("points[-1].variants[0].value"), 1e-12);
    }

    @Test
    void aPhaseOlderThanTheEventRetentionSaysWhatItCannotCompute() throws Exception {
        String key = Api.uniqueKey("old");
        String primary = "{\"name\": \"treasure_claimed\", \"kind\": \"conversion\"}";
        Api.createAndStart(Api.experiment(key, primary, "[]", "{\"cupedWindowDays\": 7}"), key);
        Api.admin().post("/api/v1/experiments/" + key + "/stop").then().statusCode(200);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant start = now.minus(Duration.ofDays(40));
        Instant end = now.minus(Duration.ofDays(38));
        try (Seeder seeder = new Seeder()) {
            seeder.setPhase(key, 1, start, end);
            for (String variant : List.of("control", "bonus")) {
                for (int i = 0; i < 150; i++) {
                    Instant exposed = start.plus(Duration.ofMinutes(10 + i));
                    Player p = seeder.player(key, variant, exposed);
                    if (i % 5 == 0) {
                        // claimed after the phase ended: counted, since the phase cannot be cut any more
                        p.event("treasure_claimed", end.plus(Duration.ofDays(1)), Map.of());
                    }
                }
            }
            seeder.flush();
        }
        Api.preciseReader().get("/api/v1/experiments/" + key + "/results").then().statusCode(200)
                .body("data.cutAtPhaseEnd", equalTo(false)).body("data.metricsUntil", nullValue())
                .body("data.notes", hasItem(containsString("cannot be cut at its end")))
                .body("data.notes", hasItem(containsString("CUPED needs events from 7 days before the phase start")))
                .body("metrics[0].cuped.applied", equalTo(false))
                .body("metrics[0].cuped.note", containsString("not applied"))
                .body("metrics[0].variants[0].converted", equalTo(30))
                .body("metrics[0].variants[1].vsControl.cupedTheta", nullValue());
        JsonPath series = Api.preciseReader().get("/api/v1/experiments/" + key + "/timeseries?interval=day").then().statusCode(200)
                .body("metricAvailable", equalTo(false)).body("note", containsString("cannot be computed"))
                .body("points.variants.flatten().value", everyItem(nullValue()))
                .extract().jsonPath();
        assertEquals(150, series.getInt("points[-1].variants[0].participants"), "participants are still given");
        assertFalse(series.getList("points").isEmpty());
    }

    private static Instant instant(String time) {
        return OffsetDateTime.parse(time).toInstant();
    }
}
