package io.veltrix.experiments.statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veltrix.experiments.AnalysisSettings;
import io.veltrix.experiments.AnalysisSettings.Correction;
import io.veltrix.experiments.AnalysisSettings.Method;
import io.veltrix.experiments.AnalysisSettings.Scale;
import io.veltrix.experiments.Metric;
import io.veltrix.experiments.MetricKind;
import io.veltrix.experiments.statistics.Effects.Lifts;
import io.veltrix.experiments.statistics.Inference.Interval;
import io.veltrix.experiments.statistics.ResultsCalculator.Comparison;
import io.veltrix.experiments.statistics.ResultsCalculator.Design;
import io.veltrix.experiments.statistics.ResultsCalculator.MetricInput;
import io.veltrix.experiments.statistics.SampleRatio.Srm;
import io.veltrix.experiments.support.NodeRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every formula against an independent implementation: {@code src/test/resources/node/stats-reference.js}, run by
 * Node.js with the npm package jStat 1.9.6 (see the script's head for what it does differently: raw-data regression for
 * CUPED, a numerical gradient for the delta method, bisection on the confidence sequences for the sequential
 * p-values, closed forms for the χ² tail, the exact Beta-Binomial sum). Agreement is relative, {@value #RELATIVE},
 * p-values included however small (cases go down to 10⁻⁷⁰, SRM to 10⁻¹⁰⁷), interval bounds relative to the standard error.
 */
class ResultsCalculatorReferenceTest {

    private static final double RELATIVE = 1e-6;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TUNING = 5000;

    private static final long[][] CONVERSIONS = {
        {1000, 100, 1000, 130}, {1000, 130, 1000, 103}, {5000, 600, 5200, 650}, {200, 12, 210, 19},
        {12000, 3000, 11800, 3100}, {50, 10, 60, 20}, {2000, 400, 2000, 380}, {900, 450, 1100, 600},
        {20000, 2000, 20000, 2600}, {100000, 10000, 100000, 12500},
    };
    private static final long[][] SRM = {{900, 1100}, {1010, 990}, {1000, 2000, 3100}, {480, 520, 310, 690}, {5000, 6000},
        {4000, 5000, 6000}, {1000, 1200, 1100, 900}, {10000, 12000, 9000, 11000, 10500, 9900}};
    private static final double[][] SRM_WEIGHTS = {{0.5, 0.5}, {0.5, 0.5}, {0.2, 0.3, 0.5}, {0.25, 0.25, 0.2, 0.3},
        {0.5, 0.5}, {1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}};
    private static final double[][] P_LISTS = {{0.03, 0.5, 0.01, 0.02}, {0.0004, 0.2, 0.049, 0.013, 0.9, 0.013},
        {1e-9, 0.04, 0.041, 0.8}};

    /** A comparison case: kind, control, treatment as the Java code sees them, and as the reference sees them. */
    private record Case(String name, MetricKind kind, Summary control, Summary treatment, ObjectNode json) {
    }

    private static final List<Case> CASES = new ArrayList<>();
    private static final List<Comparison> FAMILY = new ArrayList<>();
    private static final List<Object[]> POWER = new ArrayList<>();
    private static JsonNode reference;

    @BeforeAll
    static void computeReference() throws Exception {
        for (long[] c : CONVERSIONS) {
            ObjectNode json = JSON.createObjectNode().put("kind", "conversion");
            json.putObject("control").put("n", c[0]).put("converted", c[1]);
            json.putObject("treatment").put("n", c[2]).put("converted", c[3]);
            CASES.add(new Case("conversion " + c[1] + "/" + c[0] + " vs " + c[3] + "/" + c[2], MetricKind.CONVERSION,
                    Summary.conversions(c[0], c[1]), Summary.conversions(c[2], c[3]), json));
        }
        SplittableRandom random = new SplittableRandom(20260501);
        double[][] means = {{300, 320, 10, 10.8, 4}, {1000, 950, 2.5, 2.4, 6}, {40, 25, 100, 140, 50}, {5000, 5100, 0.7, 0.75, 2},
            {3000, 3000, -20, -17, 12}, {50000, 50000, 10, 10.6, 5}};
        for (double[] m : means) {
            double[][] c = sample(random, (int) m[0], m[2], m[4]);
            double[][] t = sample(random, (int) m[1], m[3], m[4]);
            CASES.add(rawCase("mean " + m[2] + " vs " + m[3] + " (n " + (int) m[0] + ")", MetricKind.MEAN, c, t, false));
        }
        // CUPED: pre-exposure values correlated with the outcome, on both kinds
        double[][] cuped = {{400, 420, 5, 0.5, 0.6}, {2000, 2100, 20, 0.02, 0.8}, {800, 800, -3, 0.1, 0.3}};
        for (double[] m : cuped) {
            double[][] c = correlated(random, (int) m[0], m[2], 0, m[4]);
            double[][] t = correlated(random, (int) m[1], m[2], m[3] * Math.abs(m[2]), m[4]);
            CASES.add(rawCase("CUPED mean " + m[2] + " +" + m[3], MetricKind.MEAN, c, t, true));
        }
        CASES.add(rawCase("CUPED conversion", MetricKind.CONVERSION, bernoulliPairs(random, 3000, 0.1),
                bernoulliPairs(random, 3000, 0.13), true));

        ObjectNode input = JSON.createObjectNode().put("alpha", Inference.ALPHA).put("tuning", TUNING);
        ArrayNode comparisons = input.putArray("comparisons");
        CASES.forEach(c -> comparisons.add(c.json()));

        // a family of three treatments: the corrected (drawn) intervals
        Design design = new Design(new String[] {"control", "a", "b", "c"}, new double[] {1, 1, 1, 1},
                new long[] {4000, 4000, 4000, 4000}, AnalysisSettings.DEFAULTS, 10);
        for (Method method : Method.values()) {
            for (Correction correction : Correction.values()) {
                AnalysisSettings settings = AnalysisSettings.DEFAULTS.withMethod(method).withCorrection(correction);
                ResultsCalculator.Results r = ResultsCalculator.calculate(new Design(design.variantKeys(), design.weights(),
                        design.participants(), settings, 10), List.of(new MetricInput(new Metric("m", MetricKind.CONVERSION), true,
                        List.of(Summary.conversions(4000, 400), Summary.conversions(4000, 470), Summary.conversions(4000, 445),
                                Summary.conversions(4000, 380)))));
                r.metrics().get(0).variants().stream().skip(1).forEach(v -> FAMILY.add(v.vsControl()));
            }
        }
        ArrayNode adjusted = input.putArray("adjusted");
        for (Comparison c : FAMILY) {
            adjusted.addObject().put("method", c.method().value()).put("estimate", c.estimate()).put("se", c.standardError())
                    .put("n", c.sampleSize()).putNull("dof").put("p", c.pValue()).put("adjusted", c.adjustedPValue());
        }

        // power: (method, estimate) with effects around it
        ArrayNode power = input.putArray("power");
        double[][] powerCases = {{0.02, 0.011, 4000, 0.05, 0.05}, {0.1, 0.03, 20000, 0.05, 0.025}, {1.5, 0.4, 900, 1.0, 0.05},
            {0.05, 0.01, 100000, 0.05, 0.05}};
        for (Method method : Method.values()) {
            for (double[] p : powerCases) {
                Estimate e = new Estimate(p[0], p[1], p[2], Double.POSITIVE_INFINITY);
                POWER.add(new Object[] {method, e, p[3], p[4]});
                power.addObject().put("method", method.value()).put("estimate", p[0]).put("se", p[1]).put("n", p[2])
                        .put("effect", p[3]).put("gamma", p[4]);
            }
        }

        ArrayNode srm = input.putArray("srm");
        for (int i = 0; i < SRM.length; i++) {
            ObjectNode s = srm.addObject();
            ArrayNode observed = s.putArray("observed");
            ArrayNode weights = s.putArray("weights");
            for (int j = 0; j < SRM[i].length; j++) {
                observed.add(SRM[i][j]);
                weights.add(SRM_WEIGHTS[i][j]);
            }
        }
        ArrayNode holm = input.putArray("holm");
        ArrayNode bh = input.putArray("bh");
        for (double[] ps : P_LISTS) {
            ArrayNode h = holm.addArray();
            ArrayNode b = bh.addArray();
            for (double p : ps) {
                h.add(p);
                b.add(p);
            }
        }
        ArrayNode chance = input.putArray("chance");
        for (long[] c : CONVERSIONS) {
            chance.addObject().put("nc", c[0]).put("xc", c[1]).put("nt", c[2]).put("xt", c[3]);
        }
        reference = JSON.readTree(NodeRunner.run("stats-reference.js", JSON.writeValueAsString(input), NodeRunner.JSTAT));
    }

    @Test
    void liftsStandardErrorsAndCupedAgree() {
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            JsonNode expected = reference.get("comparisons").get(i);
            Lifts lifts = Effects.lifts(c.kind(), c.control(), c.treatment());
            assertEstimate(expected.get("absolute"), lifts.absolute(), c.name() + " absolute");
            assertEstimate(expected.get("relative"), lifts.relative(), c.name() + " relative");
            if (!expected.get("theta").isNull()) {
                close(expected.get("theta").asDouble(), lifts.theta(), 1, c.name() + " θ");
            }
        }
    }

    @Test
    void pValuesIntervalsAndHarmBoundsAgreeForBothMethodsAndScales() {
        int tiny = 0;
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            Lifts lifts = Effects.lifts(c.kind(), c.control(), c.treatment());
            for (Method method : Method.values()) {
                Inference inference = Inference.of(method, TUNING);
                for (Scale scale : Scale.values()) {
                    Estimate e = scale == Scale.RELATIVE ? lifts.relative() : lifts.absolute();
                    JsonNode expected = reference.get("comparisons").get(i).get("byMethod").get(method.value()).get(scale.value());
                    String at = c.name() + " " + method.value() + " " + scale.value();
                    double p = inference.pValue(e);
                    close(expected.get("p").asDouble(), p, 0, at + " p-value");
                    tiny += p < 1e-6 ? 1 : 0;
                    Interval ci = inference.interval(e, Inference.ALPHA);
                    close(expected.get("lower").asDouble(), ci.lower(), e.standardError(), at + " lower");
                    close(expected.get("upper").asDouble(), ci.upper(), e.standardError(), at + " upper");
                    // duality: p < 0.05 exactly when the interval excludes 0
                    assertEquals(p < Inference.ALPHA, ci.excludesZero(), at + " p-value and interval tell the same");
                    for (int sign : new int[] {-1, 1}) {
                        JsonNode harm = expected.get(sign < 0 ? "harmDown" : "harmUp");
                        double harmP = inference.harmPValue(e, sign);
                        close(harm.get("p").asDouble(), harmP, 0, at + " harm p (" + sign + ")");
                        double bound = inference.harmBound(e, sign, Inference.ALPHA);
                        close(harm.get("bound").asDouble(), bound, e.standardError(), at + " harm bound (" + sign + ")");
                        assertEquals(harmP < Inference.ALPHA, sign * bound > 0, at + " harm p and bound tell the same");
                    }
                }
            }
        }
        assertTrue(tiny >= 8, "cases with p-values below 1e-6 are checked too: " + tiny);
    }

    @Test
    void sequentialTuningAgrees() {
        close(reference.get("rho").asDouble(), Inference.rho(Inference.ALPHA, TUNING), 0, "ρ");
        close(reference.get("rhoOneSided").asDouble(), Inference.rho(2 * Inference.ALPHA, TUNING), 0, "ρ one-sided");
    }

    @Test
    void correctedIntervalsAgree() {
        for (int i = 0; i < FAMILY.size(); i++) {
            Comparison c = FAMILY.get(i);
            JsonNode expected = reference.get("adjusted").get(i);
            String at = c.method().value() + " family member " + i;
            close(1 - expected.get("gamma").asDouble(), c.interval().confidence(), 0, at + " confidence");
            close(expected.get("lower").asDouble(), c.interval().lower(), c.standardError(), at + " lower");
            close(expected.get("upper").asDouble(), c.interval().upper(), c.standardError(), at + " upper");
            assertEquals(c.adjustedPValue() < Inference.ALPHA, c.interval().lower() > 0 || c.interval().upper() < 0, at);
        }
    }

    @Test
    void powerMinimumDetectableEffectAndParticipantsNeededAgree() {
        for (int i = 0; i < POWER.size(); i++) {
            Object[] p = POWER.get(i);
            Method method = (Method) p[0];
            Estimate e = (Estimate) p[1];
            Power.Forecast f = Power.forecast(Inference.of(method, TUNING), e, (double) p[2], (double) p[3], 100);
            JsonNode expected = reference.get("power").get(i);
            String at = method.value() + " power case " + i;
            close(expected.get("power").asDouble(), f.power(), 0, at + " power");
            close(expected.get("mde").asDouble(), f.minimumDetectableEffect(), 0, at + " MDE");
            assertEquals(expected.get("needed").asDouble(), f.participantsNeeded(), 1.0, at + " participants needed");
        }
    }

    @Test
    void srmAgreesWithTheClosedFormsDownToTinyPValues() {
        for (int i = 0; i < SRM.length; i++) {
            Srm actual = SampleRatio.check(SRM[i], SRM_WEIGHTS[i]);
            JsonNode expected = reference.get("srm").get(i);
            close(expected.get("chiSquare").asDouble(), actual.chiSquare(), 0, "srm χ² case " + i);
            assertEquals(expected.get("df").asInt(), actual.degreesOfFreedom(), "srm df case " + i);
            close(expected.get("pValue").asDouble(), actual.pValue(), 0, "srm p case " + i);
        }
        // 5000 vs 6000 on 50/50: χ² = 90.9, p ≈ 1.6e-21 (1 − CDF would give 0)
        assertTrue(reference.get("srm").get(4).get("pValue").asDouble() < 1e-20);
    }

    @Test
    void holmAndBenjaminiHochbergAgree() {
        for (int i = 0; i < P_LISTS.length; i++) {
            double[] holm = MultipleComparisons.holm(P_LISTS[i]);
            double[] bh = MultipleComparisons.benjaminiHochberg(P_LISTS[i]);
            for (int j = 0; j < holm.length; j++) {
                close(reference.get("holm").get(i).get(j).asDouble(), holm[j], 0, "holm " + i + "/" + j);
                close(reference.get("bh").get(i).get(j).asDouble(), bh[j], 0, "bh " + i + "/" + j);
            }
        }
    }

    @Test
    void chanceToBeatControlAgreesWithTheExactSum() {
        for (int i = 0; i < CONVERSIONS.length; i++) {
            long[] c = CONVERSIONS[i];
            double actual = Bayes.chanceToBeatBeta(1 + c[1], 1 + c[0] - c[1], 1 + c[3], 1 + c[2] - c[3]);
            assertEquals(reference.get("chance").get(i).asDouble(), actual, 1e-9, "chance to beat, case " + i);
        }
    }

    private static void assertEstimate(JsonNode expected, Estimate actual, String at) {
        close(expected.get("estimate").asDouble(), actual.value(), expected.get("se").asDouble(), at + " estimate");
        close(expected.get("se").asDouble(), actual.standardError(), 0, at + " standard error");
        assertEquals(expected.get("n").asDouble(), actual.sampleSize(), at + " n");
        if (expected.get("dof").isNull()) {
            assertTrue(Double.isInfinite(actual.degreesOfFreedom()), at + " normal");
        } else {
            close(expected.get("dof").asDouble(), actual.degreesOfFreedom(), 0, at + " ν");
        }
    }

    /** |actual − expected| ≤ 1e-6 · max(|expected|, scale). */
    private static void close(double expected, double actual, double scale, String at) {
        double tolerance = RELATIVE * Math.max(Math.abs(expected), scale);
        if (!(Math.abs(actual - expected) <= tolerance)) {
            fail(at + ": expected " + expected + ", got " + actual + " (relative difference "
                    + Math.abs(actual - expected) / Math.abs(expected) + ")");
        }
    }

    /** n participants' totals: about a third 0, the others normal(mean, sd) rounded to cents (negative allowed). */
    private static double[][] sample(SplittableRandom random, int n, double mean, double sd) {
        double[] y = new double[n];
        java.util.Random gauss = new java.util.Random(random.nextLong());
        for (int i = 0; i < n; i++) {
            y[i] = gauss.nextInt(3) == 0 ? 0 : Math.round((mean + sd * gauss.nextGaussian()) * 100) / 100.0;
        }
        return new double[][] {y};
    }

    /** (y, x) with corr ≈ r: x ~ N(mean, 1), y = mean + effect + r·(x − mean) + √(1 − r²)·N(0, 1). */
    private static double[][] correlated(SplittableRandom random, int n, double mean, double effect, double r) {
        double[] y = new double[n];
        double[] x = new double[n];
        java.util.Random gauss = new java.util.Random(random.nextLong());
        for (int i = 0; i < n; i++) {
            x[i] = mean + gauss.nextGaussian();
            y[i] = mean + effect + r * (x[i] - mean) + Math.sqrt(1 - r * r) * gauss.nextGaussian();
        }
        return new double[][] {y, x};
    }

    /** Conversion pairs: converted before exposure with probability 0.3; after, p + 0.3 if they had, else p. */
    private static double[][] bernoulliPairs(SplittableRandom random, int n, double p) {
        double[] y = new double[n];
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextDouble() < 0.3 ? 1 : 0;
            y[i] = random.nextDouble() < p + 0.3 * x[i] ? 1 : 0;
        }
        return new double[][] {y, x};
    }

    /** A case from raw per-participant values: the Java code gets sums, the reference the values themselves. */
    private static Case rawCase(String name, MetricKind kind, double[][] control, double[][] treatment, boolean cuped) {
        ObjectNode json = JSON.createObjectNode().put("kind", kind.value());
        raw(json.putObject("control"), control, cuped);
        raw(json.putObject("treatment"), treatment, cuped);
        return new Case(name, kind, summary(control, cuped), summary(treatment, cuped), json);
    }

    private static void raw(ObjectNode node, double[][] values, boolean cuped) {
        ArrayNode y = node.putArray("y");
        for (double v : values[0]) {
            y.add(v);
        }
        if (cuped) {
            ArrayNode x = node.putArray("x");
            for (double v : values[1]) {
                x.add(v);
            }
        }
    }

    private static Summary summary(double[][] values, boolean cuped) {
        double[] y = values[0];
        double sum = 0;
        double squares = 0;
        long converted = 0;
        double xs = 0;
        double xx = 0;
        double xy = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i];
            squares += y[i] * y[i];
            converted += y[i] != 0 ? 1 : 0;
            if (cuped) {
                xs += values[1][i];
                xx += values[1][i] * values[1][i];
                xy += values[1][i] * y[i];
            }
        }
        return new Summary(y.length, converted, sum, squares, cuped ? new Summary.Covariate(xs, xx, xy) : null);
    }
}
