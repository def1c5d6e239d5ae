package io.veltrix.experiments.rest;

import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
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
import io.veltrix.experiments.support.Seeder.Player;
import io.veltrix.testing.RealStackResource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the analysis does beyond the counts, through the API: CUPED with each participant's pre-exposure value of the
 * metric, capping of a mean metric's totals, and a guardrail whose harm shows (with a lower-is-better direction).
 * The expected numbers come from sums computed here from the seeded players.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class ResultsAdjustmentsTest {

    private static final Metric REVENUE = new Metric("purchase_completed.revenue", MetricKind.MEAN);
    private static final String REVENUE_JSON = "{\"name\": \"purchase_completed.revenue\", \"kind\": \"mean\"}";

    @Test
    void cupedUsesThePreExposureWindowAndNarrowsTheInterval() throws Exception {
        String key = Api.uniqueKey("cuped");
        Api.createAndStart(Api.experiment(key, REVENUE_JSON, "[]", "{\"method\": \"fixed_horizon\", \"cupedWindowDays\": 7}"), key);
        Instant now = Instant.now();
        Random random = new Random(11);
        // per variant: Σ Y, Σ Y², Σ X, Σ X², Σ XY, payers
        double[][] sums = new double[2][6];
        try (Seeder seeder = new Seeder()) {
            seeder.backdateCurrentPhase(key, Duration.ofHours(48));
            for (int v = 0; v < 2; v++) {
                for (int i = 0; i < 300; i++) {
                    Instant exposed = now.minus(Duration.ofHours(40)).plus(Duration.ofMinutes(6L * i));
                    Player p = seeder.player(key, v == 0 ? "control" : "bonus", exposed);
                    // a big purchase 9 days before exposure: outside the 7-day window, never counted
                    p.event("purchase_completed", exposed.minus(Duration.ofDays(9)), Map.of("revenue", 1000.0));
                    double pre = i % 7 == 0 ? 0 : 5 + random.nextInt(20);
                    if (pre > 0) {
                        p.event("purchase_completed", exposed.minus(Duration.ofDays(3)), Map.of("revenue", pre));
                    }
                    double post = Math.max(0, Math.round(0.9 * pre + 3 * random.nextGaussian() + (v == 1 ? 2 : 0)));
                    if (post > 0) {
                        p.event("purchase_completed", exposed.plus(Duration.ofHours(1)), Map.of("revenue", post));
                    }
                    double[] s = sums[v];
                    s[0] += post;
                    s[1] += post * post;
                    s[2] += pre;
                    s[3] += pre * pre;
                    s[4] += pre * post;
                    s[5] += post > 0 ? 1 : 0;
                }
            }
            seeder.flush();
        }
        JsonPath json = Api.preciseReader().get("/api/v1/experiments/" + key + "/results").then().statusCode(200)
                .body("metrics[0].cuped.applied", equalTo(true)).body("metrics[0].cuped.windowDays", equalTo(7))
                .body("metrics[0].variants[1].vsControl.test", equalTo("Welch's t-test on the relative lift (delta method), CUPED"))
                .body("data.notes.size()", equalTo(0))
                .extract().jsonPath();
        Summary[] cuped = new Summary[2];
        Summary[] plain = new Summary[2];
        for (int v = 0; v < 2; v++) {
            double[] s = sums[v];
            cuped[v] = new Summary(300, (long) s[5], s[0], s[1], new Summary.Covariate(s[2], s[3], s[4]));
            plain[v] = new Summary(300, (long) s[5], s[0], s[1]);
        }
        Comparison expected = comparison(AnalysisSettings.DEFAULTS.withMethod(AnalysisSettings.Method.FIXED_HORIZON), REVENUE, cuped);
        Comparison without = comparison(AnalysisSettings.DEFAULTS.withMethod(AnalysisSettings.Method.FIXED_HORIZON), REVENUE, plain);
        String at = "metrics[0].variants[1].vsControl.";
        assertEquals(expected.cupedTheta(), json.getDouble(at + "cupedTheta"), 1e-9);
        assertEquals(expected.estimate(), json.getDouble(at + "estimate"), 1e-9);
        assertEquals(expected.standardError(), json.getDouble(at + "standardError"), 1e-9);
        assertEquals(expected.pValue(), json.getDouble(at + "pValue"), 1e-9);
        assertTrue(json.getDouble(at + "cupedTheta") > 0.5, "pre and post revenue are correlated: θ " + json.getDouble(at + "cupedTheta"));
        assertTrue(expected.standardError() < 0.8 * without.standardError(), "CUPED narrows: " + expected.standardError()
                + " against " + without.standardError());
        // the variant's value itself is the plain mean
        assertEquals(sums[1][0] / 300, json.getDouble("metrics[0].variants[1].value"), 1e-9);
    }

    @Test
    void cappingLimitsEachParticipantsTotalAtAnAbsoluteValueOrAQuantile() throws Exception {
        String absolute = Api.uniqueKey("cap-abs");
        String quantile = Api.uniqueKey("cap-q");
        Api.createAndStart(Api.experiment(absolute, "{\"name\": \"purchase_completed.revenue\", \"kind\": \"mean\", "
                + "\"capping\": {\"type\": \"absolute\", \"value\": 20}}", "[]", null), absolute);
        Api.createAndStart(Api.experiment(quantile, "{\"name\": \"purchase_completed.revenue\", \"kind\": \"mean\", "
                + "\"capping\": {\"type\": \"quantile\", \"value\": 0.9}}", "[]", null), quantile);
        Instant now = Instant.now();
        // every second player pays 1 + (i mod 25) in two purchases; one whale in bonus pays 2 × 2500
        List<Double> payers = new ArrayList<>();
        double[][] totals = new double[2][200];
        for (int v = 0; v < 2; v++) {
            for (int i = 0; i < 200; i++) {
                totals[v][i] = i % 2 == 0 ? 1 + (i % 25) : 0;
            }
        }
        totals[1][1] = 5000;
        try (Seeder seeder = new Seeder()) {
            for (String key : List.of(absolute, quantile)) {
                seeder.backdateCurrentPhase(key, Duration.ofHours(3));
                for (int v = 0; v < 2; v++) {
                    for (int i = 0; i < 200; i++) {
                        Instant exposed = now.minus(Duration.ofHours(2)).plusSeconds(10L * i);
                        Player p = seeder.player(key, v == 0 ? "control" : "bonus", exposed);
                        if (totals[v][i] > 0) {
                            p.event("purchase_completed", exposed.plusSeconds(5), Map.of("revenue", totals[v][i] / 2));
                            p.event("purchase_completed", exposed.plusSeconds(6), Map.of("revenue", totals[v][i] / 2));
                        }
                    }
                }
            }
            seeder.flush();
        }
        for (double[] t : totals) {
            Arrays.stream(t).filter(x -> x > 0).forEach(payers::add);
        }
        Api.preciseReader().get("/api/v1/experiments/" + absolute + "/results").then().statusCode(200)
                .body("metrics[0].capping.type", equalTo("absolute")).body("metrics[0].cap", closeTo(20.0, 1e-12))
                .body("metrics[0].variants[0].value", closeTo(cappedMean(totals[0], 20), 1e-9))
                .body("metrics[0].variants[1].value", closeTo(cappedMean(totals[1], 20), 1e-9));
        double cap = percentileCont(payers, 0.9);
        Api.preciseReader().get("/api/v1/experiments/" + quantile + "/results").then().statusCode(200)
                .body("metrics[0].capping.type", equalTo("quantile")).body("metrics[0].capping.value", closeTo(0.9, 1e-12))
                .body("metrics[0].cap", closeTo(cap, 1e-9))
                .body("metrics[0].variants[1].value", closeTo(cappedMean(totals[1], cap), 1e-9))
                .body("metrics[0].variants[1].value", lessThan(50.0));
    }

    @Test
    void aGuardrailWhoseBadDirectionIsUpShowsHarm() throws Exception {
        String key = Api.uniqueKey("harm");
        Api.createAndStart(Api.experiment(key, "{\"name\": \"treasure_claimed\", \"kind\": \"conversion\"}",
                "[{\"name\": \"support_ticket\", \"kind\": \"conversion\", \"direction\": \"lower\"}]", null), key);
        Instant now = Instant.now();
        try (Seeder seeder = new Seeder()) {
            seeder.backdateCurrentPhase(key, Duration.ofHours(10));
            for (int v = 0; v < 2; v++) {
                for (int i = 0; i < 800; i++) {
                    Instant exposed = now.minus(Duration.ofHours(9)).plusSeconds(30L * i);
                    Player p = seeder.player(key, v == 0 ? "control" : "bonus", exposed);
                    if (i % 8 == 0) {
                        p.event("treasure_claimed", exposed.plusSeconds(60), Map.of());
                    }
                    // control: 1 in 16 open a ticket; bonus: 1 in 5
                    if (i % (v == 0 ? 16 : 5) == 0) {
                        p.event("support_ticket", exposed.plusSeconds(90), Map.of());
                    }
                }
            }
            seeder.flush();
        }
        Api.preciseReader().get("/api/v1/experiments/" + key + "/results").then().statusCode(200)
                .body("guardrailHarmed", equalTo(true))
                .body("comparisons", equalTo(1))
                .body("metrics[1].direction", equalTo("lower")).body("metrics[1].harmed", equalTo(true))
                .body("metrics[1].variants[1].vsControl.decision", equalTo("harmed"))
                .body("metrics[1].variants[1].vsControl.harmed", equalTo(true))
                .body("metrics[1].variants[1].vsControl.significant", nullValue())
                .body("metrics[1].variants[1].vsControl.interval.sides", equalTo("lower"))
                .body("metrics[1].variants[1].vsControl.interval.upper", nullValue())
                .body("metrics[1].variants[1].vsControl.chanceToBeatControl", lessThan(0.01))
                .body("metrics[0].variants[1].vsControl.decision", equalTo("inconclusive"));
    }

    private static Comparison comparison(AnalysisSettings settings, Metric metric, Summary[] summaries) {
        return ResultsCalculator.calculate(new Design(new String[] {"control", "bonus"}, new double[] {0.5, 0.5},
                        new long[] {summaries[0].participants(), summaries[1].participants()}, settings, 2),
                List.of(new MetricInput(metric, true, List.of(summaries)))).metrics().get(0).variants().get(1).vsControl();
    }

    private static double cappedMean(double[] totals, double cap) {
        return Arrays.stream(totals).map(t -> Math.min(t, cap)).average().orElseThrow();
    }

    /** PostgreSQL's percentile_cont: linear interpolation at position q·(n − 1) of the sorted values. */
    private static double percentileCont(List<Double> values, double q) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double position = q * (sorted.length - 1);
        int lower = (int) Math.floor(position);
        double fraction = position - lower;
        return lower + 1 < sorted.length ? sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower]) : sorted[lower];
    }
}
