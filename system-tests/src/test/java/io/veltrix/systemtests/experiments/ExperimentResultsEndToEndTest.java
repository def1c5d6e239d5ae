package io.veltrix.systemtests.experiments;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.veltrix.testing.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Simulated players through the real platform (ingest → Pulsar → processor → PostgreSQL → experiments-service):
 * exposed with experiment_viewed to the variant the service assigns them, converting at known rates. The results
 * must contain the true lift in their intervals; a 45/55 split on a 50/50 experiment must raise the SRM flag.
 */
class ExperimentResultsEndToEndTest {

    private static final int PLAYERS = 2000;
    private static final JsonPathConfig DOUBLES = JsonPathConfig.jsonPathConfig()
            .numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE);

    private static Players players;

    @BeforeAll
    static void platform() {
        players = new Players(TestServices.get());
    }

    @Test
    void theTrueLiftIsInsideTheIntervals() {
        String key = "e2e-lift-" + UUID.randomUUID().toString().substring(0, 8);
        players.startExperiment(key, 0.5);
        // control converts 20% of the time, bonus 30%: true lift +0.10 absolute, +50% relative.
        // Conversions are spread evenly (every 5th / 3 in every 10), so the observed rates are the true ones.
        List<String[]> exposures = new ArrayList<>();
        List<String> converters = new ArrayList<>();
        int control = 0;
        int bonus = 0;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PLAYERS; i++) {
            ids.add(key + "-player-" + i);
        }
        List<String> variants = players.assignedVariants(key, ids);
        for (int i = 0; i < PLAYERS; i++) {
            String variant = variants.get(i);
            exposures.add(new String[] {ids.get(i), variant});
            int n = variant.equals("control") ? control++ : bonus++;
            if (variant.equals("control") ? n % 5 == 0 : n % 10 < 3) {
                converters.add(ids.get(i));
            }
        }
        players.expose(key, exposures);
        players.claimTreasure(converters, 50);

        JsonPath results = awaitResults(key, PLAYERS, converters.size());
        assertEquals(control, results.getInt("variants[0].participants"));
        assertEquals(bonus, results.getInt("variants[1].participants"));
        assertFalse(results.getBoolean("srm.mismatch"), "hash assignment keeps the 50/50 ratio");
        String bonusVsControl = "metrics[0].variants[1].vsControl";
        double lower = results.getDouble(bonusVsControl + ".absoluteCi.lower");
        double upper = results.getDouble(bonusVsControl + ".absoluteCi.upper");
        assertTrue(lower < 0.10 && 0.10 < upper, "true absolute lift 0.10 in [" + lower + ", " + upper + "]");
        double relLower = results.getDouble(bonusVsControl + ".relativeCi.lower");
        double relUpper = results.getDouble(bonusVsControl + ".relativeCi.upper");
        assertTrue(relLower < 0.5 && 0.5 < relUpper, "true relative lift +50% in [" + relLower + ", " + relUpper + "]");
        // anytime-valid by default (docs/statistics.md): p ≈ 0.003 here, where the fixed-horizon test gives ≈ 3e-5
        assertEquals("sequential", results.getString(bonusVsControl + ".method"));
        assertTrue(results.getDouble(bonusVsControl + ".adjustedPValue") < 0.01, "a +50% lift on 2000 players is clear");
        assertEquals("better", results.getString(bonusVsControl + ".decision"));
        assertTrue(results.getDouble(bonusVsControl + ".chanceToBeatControl") > 0.999);
        assertEquals(0.2, results.getDouble("metrics[0].variants[0].value"), 0.01);
        assertEquals(0.3, results.getDouble("metrics[0].variants[1].value"), 0.01);
        // the guardrail: coins per participant = 50 × conversion rate
        assertEquals(50 * results.getDouble("metrics[0].variants[1].value"), results.getDouble("metrics[1].variants[1].value"), 1e-9);
    }

    @Test
    void aFortyFiveFiftyFiveSplitOnAFiftyFiftyExperimentRaisesTheSrmFlag() {
        String key = "e2e-srm-" + UUID.randomUUID().toString().substring(0, 8);
        players.startExperiment(key, 0.5);
        // a client bug sends players to "bonus" more often than the 50/50 assignment says
        List<String[]> exposures = new ArrayList<>();
        for (int i = 0; i < PLAYERS; i++) {
            exposures.add(new String[] {key + "-player-" + i, i % 20 < 9 ? "control" : "bonus"});
        }
        players.expose(key, exposures);

        JsonPath results = awaitResults(key, PLAYERS, 0);
        assertEquals(900, results.getInt("variants[0].participants"));
        assertEquals(1100, results.getInt("variants[1].participants"));
        assertTrue(results.getBoolean("srm.mismatch"), "45/55 on 50/50 is a sample ratio mismatch");
        assertEquals(20.0, results.getDouble("srm.chiSquare"), 1e-9);
        assertTrue(results.getDouble("srm.pValue") < 0.001);
    }

    /** The results once every participant and conversion has been counted. */
    private static JsonPath awaitResults(String key, int participants, int conversions) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonPath json = players.reader().get("/api/v1/experiments/" + key + "/results").then().statusCode(200)
                    .extract().jsonPath().using(DOUBLES);
            int seen = json.getInt("variants[0].participants") + json.getInt("variants[1].participants");
            int converted = json.getInt("metrics[0].variants[0].converted") + json.getInt("metrics[0].variants[1].converted");
            assertEquals(participants, seen, "participants counted by the processor (if 0: see its log, "
                    + ".veltrix/test/logs/e2e-processor-service.log)");
            assertEquals(conversions, converted, "conversions counted");
            last[0] = json;
        });
        return last[0];
    }
}
