package io.veltrix.experiments.rest;

import static io.veltrix.experiments.support.Api.reader;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.veltrix.experiments.service.ResultsCalculator;
import io.veltrix.experiments.service.ResultsCalculator.Comparison;
import io.veltrix.experiments.service.ResultsCalculator.Summary;
import io.veltrix.experiments.support.Api;
import io.veltrix.experiments.support.Seeder;
import io.veltrix.testing.RealStackResource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Results and time series over participants seeded in the processor's tables for this test's own experiments. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class ResultsEndpointTest {

    @Test
    void resultsOfTheLatestPhaseWithStatisticsAndHolm() throws Exception {
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
                .body("variants[0].participants", equalTo(1000)).body("variants[1].participants", equalTo(1000))
                .body("srm.mismatch", equalTo(false))
                .body("comparisons", equalTo(2))
                .body("metrics[0].metric", equalTo("treasure_claimed")).body("metrics[0].primary", equalTo(true))
                .body("metrics[0].variants[0].value", closeTo(0.10, 1e-12))
                .body("metrics[0].variants[0].vsControl", nullValue())
                .body("metrics[0].variants[1].value", closeTo(0.13, 1e-12))
                .body("metrics[1].metric", equalTo("purchase_completed.revenue")).body("metrics[1].kind", equalTo("mean"))
                .extract().jsonPath();

        // the same numbers as the calculator on the same counts (25 of each 100 converters paid 4.99)
        Comparison expected = ResultsCalculator.conversion(new Summary(1000, 100, 100, 100), new Summary(1000, 130, 130, 130));
        assertEquals(expected.pValue(), json.getDouble("metrics[0].variants[1].vsControl.pValue"), 1e-12);
        assertEquals(expected.relativeCi().lower(), json.getDouble("metrics[0].variants[1].vsControl.relativeCi.lower"), 1e-12);
        assertEquals(expected.chanceToBeatControl(), json.getDouble("metrics[0].variants[1].vsControl.chanceToBeatControl"), 1e-12);
        double revenueSum = 25 * 4.99;
        double revenueSumBonus = 33 * 4.99;
        Comparison revenue = ResultsCalculator.mean(new Summary(1000, 25, revenueSum, 25 * 4.99 * 4.99),
                new Summary(1000, 33, revenueSumBonus, 33 * 4.99 * 4.99));
        assertEquals(revenue.pValue(), json.getDouble("metrics[1].variants[1].vsControl.pValue"), 1e-9);
        double[] holm = ResultsCalculator.holm(new double[] {expected.pValue(), revenue.pValue()});
        assertEquals(holm[0], json.getDouble("metrics[0].variants[1].vsControl.adjustedPValue"), 1e-9);

        // time series per hour: participants so far add up, the conversion so far ends at the overall rate
        JsonPath series = Api.preciseReader().get("/api/v1/experiments/" + key + "/timeseries?interval=hour").then().statusCode(200)
                .body("interval", equalTo("hour")).body("variants", equalTo(List.of("control", "bonus")))
                .body("points.size()", greaterThan(20))
                .extract().jsonPath();
        int last = series.getList("points").size() - 1;
        assertEquals(1000, series.getInt("points[" + last + "].variants[0].participants"));
        assertEquals(0.13, series.getDouble("points[" + last + "].variants[1].value"), 1e-9);
        assertEquals(Instant.parse(series.getString("points[0].bucket")),
                now.minus(Duration.ofHours(26)).truncatedTo(ChronoUnit.HOURS));
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
                .body("srm.mismatch", equalTo(false));
        reader().get("/api/v1/experiments/" + key + "/results?phase=2").then().statusCode(404);
        reader().get("/api/v1/experiments/" + key + "/timeseries").then().statusCode(200).body("points.size()", equalTo(0));
    }
}
