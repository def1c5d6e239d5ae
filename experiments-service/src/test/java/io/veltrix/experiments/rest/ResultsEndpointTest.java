package io.veltrix.experiments.rest;

import static io.veltrix.experiments.support.Api.reader;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.veltrix.experiments.AnalysisSettings;
import io.veltrix.experiments.Metric;
import io.veltrix.experiments.MetricKind;
import io.veltrix.experiments.statistics.ResultsCalculator;
import io.veltrix.experiments.statistics.ResultsCalculator.Comparison;
import io.veltrix.experiments.statistics.ResultsCalculator.Design;
import io.veltrix.experiments.statistics.ResultsCalculator.MetricInput;
import io.veltrix.experiments.statistics.Summary;
import io.veltrix.experiments.support.Api;
import io.veltrix.experiments.support.Seeder;
import io.veltrix.testing.RealStackResource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Results and time series over participants seeded in the processor's tables for this test's own experiments: the
 * method each result says, the numbers against the calculator on the same counts, the analysis settings and their lock.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class ResultsEndpointTest {

    private static final Metric CLAIMED = new Metric("treasure_claimed", MetricKind.CONVERSION);
    private static final Metric REVENUE = new Metric("purchase_completed.revenue", MetricKind.MEAN);

    @Test
    void resultsAreAnytimeValidByDefaultAndSaySo() throws Exception {
        String key = Api.uniqueKey("results");
        Api.createAndStart(Api.twoVariants(key, 1, 0.5), key);
        Instant now = Instant.now();
        try (Seeder seeder = new Seeder()) {
            seeder.backdateCurrentPhase(key, Duration.ofHours(30));
            Instant from = now.minus(Duration.ofHours(26));
            seeder.variant(key, "control", 1000, 100, 4, 4.99, from, now.minus(Duration.ofHours(1)));
            seeder.variant(key, "bonus", 1000, 130, 4, 4.99, from, now.minus(Duration.ofHours(1)));
        }
        JsonPath json = Api.preciseReader().get("/api/v1/experiments/" + key + "/results").then().statusCode(200)
                .body("phase.number", equalTo(1))
                .body("analysis.method", equalTo("sequential")).body("analysis.scale", equalTo("relative"))
                .body("analysis.correction", equalTo("holm"))
                .body("variants[0].participants", equalTo(1000)).body("variants[1].participants", equalTo(1000))
                .body("excludedParticipants", equalTo(0))
                .body("srm.mismatch", equalTo(false))
                .body("comparisons", equalTo(1))
                .body("data.cutAtPhaseEnd", nullValue()).body("data.eventRetentionDays", closeTo(35.0, 1e-9))
                .body("metrics[0].metric", equalTo("treasure_claimed")).body("metrics[0].role", equalTo("primary"))
                .body("metrics[0].direction", equalTo("higher"))
                .body("metrics[0].variants[0].value", closeTo(0.10, 1e-12))
                .body("metrics[0].variants[0].vsControl", nullValue())
                .body("metrics[0].variants[1].value", closeTo(0.13, 1e-12))
                .body("metrics[0].variants[1].vsControl.method", equalTo("sequential"))
                .body("metrics[0].variants[1].vsControl.scale", equalTo("relative"))
                .body("metrics[0].variants[1].vsControl.test", equalTo("anytime-valid confidence sequence on the relative lift (delta method)"))
                .body("metrics[1].metric", equalTo("purchase_completed.revenue")).body("metrics[1].kind", equalTo("mean"))
                .body("metrics[1].role", equalTo("guardrail"))
                .body("metrics[1].variants[1].vsControl.adjustedPValue", nullValue())
                .body("guardrailHarmed", equalTo(false))
                .extract().jsonPath();

        // the same numbers as the calculator on the same counts (25 of each 100 converters paid 4.99, 33 of 130)
        ResultsCalculator.Results expected = ResultsCalculator.calculate(new Design(new String[] {"control", "bonus"},
                new double[] {0.5, 0.5}, new long[] {1000, 1000}, AnalysisSettings.DEFAULTS, 30.0 / 24), List.of(
                new MetricInput(CLAIMED, true, List.of(Summary.conversions(1000, 100), Summary.conversions(1000, 130))),
                new MetricInput(REVENUE, false, List.of(new Summary(1000, 25, 25 * 4.99, 25 * 4.99 * 4.99),
                        new Summary(1000, 33, 33 * 4.99, 33 * 4.99 * 4.99)))));
        Comparison claimed = expected.metrics().get(0).variants().get(1).vsControl();
        String at = "metrics[0].variants[1].vsControl.";
        assertEquals(claimed.pValue(), json.getDouble(at + "pValue"), 1e-12);
        assertEquals(claimed.adjustedPValue(), json.getDouble(at + "adjustedPValue"), 1e-12);
        assertEquals(claimed.relativeCi().lower(), json.getDouble(at + "relativeCi.lower"), 1e-12);
        assertEquals(claimed.interval().upper(), json.getDouble(at + "interval.upper"), 1e-12);
        assertEquals(claimed.chanceToBeatControl(), json.getDouble(at + "chanceToBeatControl"), 1e-12);
        assertEquals(claimed.decision().value(), json.getString(at + "decision"));
        assertEquals(json.getBoolean(at + "significant"), json.getDouble(at + "interval.lower") > 0
                || json.getDouble(at + "interval.upper") < 0, "the verdict is what the drawn interval shows");
        Comparison revenue = expected.metrics().get(1).variants().get(1).vsControl();
        assertEquals(revenue.harmPValue(), json.getDouble("metrics[1].variants[1].vsControl.harmPValue"), 1e-9);
        assertEquals("upper", json.getString("metrics[1].variants[1].vsControl.interval.sides"));
        // power and days to go of the running phase
        assertEquals("bonus", json.getString("power[0].variant"));
        assertEquals(0.05, json.getDouble("power[0].targetEffect"), 1e-12);
        assertEquals(expected.power().get(0).minimumDetectableEffect(), json.getDouble("power[0].minimumDetectableEffect"), 1e-9);
        assertTrue(json.getDouble("power[0].participantsNeeded") > 2000, "a 5 % lift needs more than 2000 participants");
        double daily = json.getDouble("power[0].dailyParticipants");
        assertEquals(2000 / 1.25, daily, 2000 / 1.25 * 0.01, "2000 participants over 30 hours");
        assertEquals((json.getDouble("power[0].participantsNeeded") - 2000) / daily, json.getDouble("power[0].daysToGo"), 1e-6);

        // time series per hour: participants so far add up, the conversion so far ends at the overall rate
        JsonPath series = Api.preciseReader().get("/api/v1/experiments/" + key + "/timeseries?interval=hour").then().statusCode(200)
                .body("interval", equalTo("hour")).body("variants", equalTo(List.of("control", "bonus")))
                .body("metricAvailable", equalTo(true)).body("metricsUntil", nullValue())
                .body("points.size()", greaterThan(20))
                .extract().jsonPath();
        int last = series.getList("points").size() - 1;
        assertEquals(1000, series.getInt("points[" + last + "].variants[0].participants"));
        assertEquals(0.13, series.getDouble("points[" + last + "].variants[1].value"), 1e-9);
        assertEquals(Instant.parse(series.getString("points[0].bucket")),
                now.minus(Duration.ofHours(26)).truncatedTo(ChronoUnit.HOURS));
    }

    @Test
    void theFixedHorizonAnalysisIsAnExplicitChoiceThatCannotChangeOnceStarted() throws Exception {
        String key = Api.uniqueKey("fixed");
        String primary = "{\"name\": \"treasure_claimed\", \"kind\": \"conversion\"}";
        String body = Api.experiment(key, primary, "[]", "{\"method\": \"fixed_horizon\", \"correction\": \"benjamini_hochberg\"}");
        Api.admin().body(body).post("/api/v1/experiments").then().statusCode(201)
                .body("analysis.method", equalTo("fixed_horizon")).body("analysis.correction", equalTo("benjamini_hochberg"))
                .body("analysis.minParticipants", equalTo(100)).body("analysis.cupedWindowDays", nullValue());
        // a draft may still change its mind
        Api.admin().body(Api.experiment(key, primary, "[]", "{\"method\": \"fixed_horizon\"}")).put("/api/v1/experiments/" + key)
                .then().statusCode(200).body("analysis.correction", equalTo("holm"));
        Api.admin().post("/api/v1/experiments/" + key + "/start").then().statusCode(200);
        Api.admin().body(Api.experiment(key, primary, "[]", "{\"method\": \"sequential\"}")).put("/api/v1/experiments/" + key)
                .then().statusCode(409).body("error", equalTo("analysis_locked"));
        // leaving the analysis out keeps it; the minimums may change
        Api.admin().body(Api.experiment(key, primary, "[]", null)).put("/api/v1/experiments/" + key)
                .then().statusCode(200).body("analysis.method", equalTo("fixed_horizon"));
        Api.admin().body(Api.experiment(key, primary, "[]", "{\"method\": \"fixed_horizon\", \"minParticipants\": 500}"))
                .put("/api/v1/experiments/" + key).then().statusCode(200).body("analysis.minParticipants", equalTo(500));

        Instant now = Instant.now();
        try (Seeder seeder = new Seeder()) {
            seeder.backdateCurrentPhase(key, Duration.ofHours(10));
            seeder.variant(key, "control", 600, 60, 0, 0, now.minus(Duration.ofHours(9)), now);
            seeder.variant(key, "bonus", 600, 90, 0, 0, now.minus(Duration.ofHours(9)), now);
        }
        // 600 participants a variant: past the raised minimum of 500, so there is a verdict
        JsonPath json = Api.preciseReader().get("/api/v1/experiments/" + key + "/results").then().statusCode(200)
                .body("analysis.method", equalTo("fixed_horizon"))
                .body("metrics[0].variants[1].vsControl.method", equalTo("fixed_horizon"))
                .body("metrics[0].variants[1].vsControl.test", equalTo("z-test on the relative lift (delta method)"))
                .extract().jsonPath();
        Comparison expected = ResultsCalculator.calculate(new Design(new String[] {"control", "bonus"}, new double[] {0.5, 0.5},
                new long[] {600, 600}, AnalysisSettings.DEFAULTS.withMethod(AnalysisSettings.Method.FIXED_HORIZON)
                .withMinimums(500, 10), 10.0 / 24), List.of(new MetricInput(CLAIMED, true,
                List.of(Summary.conversions(600, 60), Summary.conversions(600, 90))))).metrics().get(0).variants().get(1).vsControl();
        assertEquals(expected.pValue(), json.getDouble("metrics[0].variants[1].vsControl.pValue"), 1e-12);
        assertEquals(expected.decision().value(), json.getString("metrics[0].variants[1].vsControl.decision"));
        assertEquals("better", json.getString("metrics[0].variants[1].vsControl.decision"), "+50 % on 600 a variant, p = "
                + expected.pValue());
    }

    @Test
    void aFortyFiveFiftyFiveSplitOnAFiftyFiftyExperimentIsASampleRatioMismatch() throws Exception {
        String key = Api.uniqueKey("srm");
        Api.createAndStart(Api.twoVariants(key, 1, 0.5), key);
        Instant now = Instant.now();
        try (Seeder seeder = new Seeder()) {
            seeder.backdateCurrentPhase(key, Duration.ofHours(3));
            seeder.variant(key, "control", 900, 90, 0, 0, now.minus(Duration.ofHours(2)), now);
            seeder.variant(key, "bonus", 1100, 110, 0, 0, now.minus(Duration.ofHours(2)), now);
        }
        Api.preciseReader().get("/api/v1/experiments/" + key + "/results").then().statusCode(200)
                .body("srm.mismatch", equalTo(true))
                .body("srm.chiSquare", closeTo(20.0, 1e-9))
                .body("srm.pValue", closeTo(7.74e-6, 0.01e-6)) // erfc(√10): χ² = 20, 1 degree of freedom
                .body("srm.observed", equalTo(List.of(900, 1100)))
                .body("srm.expected[0]", closeTo(1000.0, 1e-9));
    }

    @Test
    void beforeTheFirstStartThereIsNoPhaseAndNothingToCompare() {
        String key = Api.uniqueKey("draft-results");
        Api.admin().body(Api.twoVariants(key, 1, 0.5)).post("/api/v1/experiments").then().statusCode(201);
        reader().get("/api/v1/experiments/" + key + "/results").then().statusCode(200)
                .body("phase", nullValue()).body("variants[0].participants", equalTo(0))
                .body("metrics[0].variants[1].vsControl.pValue", nullValue())
                .body("metrics[0].variants[1].vsControl.decision", equalTo("not_computable"))
                .body("metrics[0].variants[1].vsControl.reason", notNullValue())
                .body("power.size()", equalTo(0))
                .body("srm.mismatch", equalTo(false));
        reader().get("/api/v1/experiments/" + key + "/results?phase=2").then().statusCode(404);
        reader().get("/api/v1/experiments/" + key + "/timeseries").then().statusCode(200).body("points.size()", equalTo(0));
    }
}
