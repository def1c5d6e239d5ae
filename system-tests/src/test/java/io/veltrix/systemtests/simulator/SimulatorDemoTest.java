package io.veltrix.systemtests.simulator;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.veltrix.testing.TestServices;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo path of {@code ./veltrix up --demo} without the run instance: the simulator's {@code demo} command
 * creates and starts an experiment through experiments-service, plays the game into ingest for a while, and the
 * experiment's results show participants in both variants and the true lift's direction.
 */
class SimulatorDemoTest {

    private static final String ADMIN_TOKEN = TestServices.EXPERIMENTS_ADMIN_TOKEN;
    private static final String READ_TOKEN = TestServices.EXPERIMENTS_READ_TOKEN;

    private static TestServices services;
    private static String experiments;

    @BeforeAll
    static void platform() {
        services = TestServices.get();
        experiments = services.url(TestServices.EXPERIMENTS);
    }

    private final String key = "demo-test-" + UUID.randomUUID().toString().substring(0, 8);

    /** Other tests share the experiments database: leave no running experiment behind. */
    @AfterEach
    void stopTheExperiment() {
        given().baseUri(experiments).auth().oauth2(ADMIN_TOKEN).when().post("/api/v1/experiments/" + key + "/stop");
    }

    @Test
    void theDemoCreatesAnExperimentAndFillsItsResultsWithTheTrueLift() throws Exception {
        SimulatorProcess.Outcome outcome = SimulatorProcess.demo(services, key, 600, 400, "25s", 11);
        assertEquals(0, outcome.exitCode(), outcome.output());
        assertTrue(outcome.output().contains("created experiment " + key), outcome.output());

        JsonPath experiment = given().baseUri(experiments).auth().oauth2(READ_TOKEN)
                .when().get("/api/v1/experiments/" + key).then().statusCode(200).extract().jsonPath();
        assertEquals("running", experiment.getString("status"));

        // the processor counts what the simulator sent; the results fill in
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            JsonPath results = given().baseUri(experiments).auth().oauth2(READ_TOKEN)
                    .when().get("/api/v1/experiments/" + key + "/results").then().statusCode(200).extract().jsonPath();
            long control = results.getLong("variants.find { it.key == 'control' }.participants");
            long bonus = results.getLong("variants.find { it.key == 'bonus_chest' }.participants");
            assertTrue(control >= 100 && bonus >= 100, "participants control " + control + ", bonus " + bonus);
            // primary metric: purchase conversion; the simulated players in bonus_chest buy twice as often per session
            Map<String, Object> primary = results.getMap("metrics.find { it.primary == true }");
            assertEquals("purchase_completed", primary.get("metric"));
            double controlRate = results.getDouble("metrics.find { it.primary == true }.variants.find { it.variant == 'control' }.value");
            double bonusRate = results.getDouble("metrics.find { it.primary == true }.variants.find { it.variant == 'bonus_chest' }.value");
            assertTrue(bonusRate > controlRate, "lift in the true effect's direction: control " + controlRate + ", bonus " + bonusRate);
            // the reward structure the game read from the variant: 1.5x coins per treasure
            double controlCoins = results.getDouble("metrics.find { it.metric == 'treasure_claimed.coins' }.variants.find { it.variant == 'control' }.value");
            double bonusCoins = results.getDouble("metrics.find { it.metric == 'treasure_claimed.coins' }.variants.find { it.variant == 'bonus_chest' }.value");
            assertTrue(bonusCoins > controlCoins, "coins per participant: control " + controlCoins + ", bonus " + bonusCoins);
        });
    }
}
