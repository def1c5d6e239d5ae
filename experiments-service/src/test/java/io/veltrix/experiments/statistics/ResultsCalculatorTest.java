package io.veltrix.experiments.statistics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.experiments.AnalysisSettings;
import io.veltrix.experiments.AnalysisSettings.Correction;
import io.veltrix.experiments.AnalysisSettings.Method;
import io.veltrix.experiments.AnalysisSettings.Scale;
import io.veltrix.experiments.Metric;
import io.veltrix.experiments.Metric.Direction;
import io.veltrix.experiments.MetricKind;
import io.veltrix.experiments.statistics.ResultsCalculator.Comparison;
import io.veltrix.experiments.statistics.ResultsCalculator.Decision;
import io.veltrix.experiments.statistics.ResultsCalculator.Design;
import io.veltrix.experiments.statistics.ResultsCalculator.MetricInput;
import io.veltrix.experiments.statistics.ResultsCalculator.Results;
import io.veltrix.experiments.statistics.SampleRatio.Srm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The statistics against values worked out by hand in closed form, and the rules around them (minimum data, zero
 * variance, direction, the correction family, guardrail harm). The comparison with an independent implementation is
 * {@link ResultsCalculatorReferenceTest}; the behaviour over many simulated experiments is {@link SimulationTest}.
 */
class ResultsCalculatorTest {

    private static final double EPS = 1e-9;
    private static final AnalysisSettings FIXED = AnalysisSettings.DEFAULTS.withMethod(Method.FIXED_HORIZON);
    private static final Metric CONVERSION = new Metric("treasure_claimed", MetricKind.CONVERSION);
    private static final Metric REVENUE = new Metric("purchase_completed.revenue", MetricKind.MEAN);

    @Test
    void welchWithTwoDegreesOfFreedomMatchesTheClosedForm() {
        // control totals {0, 2}: mean 1, s² 2; treatment {2, 4}: mean 3, s² 2. SE = √2, T = √2, ν = 2.
        // Student t with 2 df: F(t) = 1/2 + t / (2√(2 + t²)) → p = 2·F(−√2) = 1 − 1/√2;
        // F⁻¹(0.975) = 0.95·√(2 / (1 − 0.95²)).
        Estimate e = Effects.lifts(MetricKind.MEAN, new Summary(2, 1, 2, 4), new Summary(2, 2, 6, 20)).absolute();
        Inference fixed = Inference.fixedHorizon();
        assertEquals(2, e.value(), EPS);
        assertEquals(Math.sqrt(2), e.statistic(), EPS);
        assertEquals(2, e.degreesOfFreedom(), EPS);
        assertEquals(1 - 1 / Math.sqrt(2), fixed.pValue(e), EPS);
        double tq = 0.95 * Math.sqrt(2 / (1 - 0.95 * 0.95));
        assertEquals(2 - tq * Math.sqrt(2), fixed.interval(e, 0.05).lower(), EPS);
        // one-sided: P(T > √2) = 1/2 − √2/(2·2) = (1 − 1/√2)/2
        assertEquals((1 - 1 / Math.sqrt(2)) / 2, fixed.harmPValue(e, 1), EPS);
        // relative: R = 2 / 1, SE_R² = v_t/1 + 3²·v_c/1 = 1 + 9 (delta method)
        Estimate r = Effects.lifts(MetricKind.MEAN, new Summary(2, 1, 2, 4), new Summary(2, 2, 6, 20)).relative();
        assertEquals(2, r.value(), EPS);
        assertEquals(Math.sqrt(10), r.standardError(), EPS);
    }

    @Test
    void theSequentialBoundaryIsTheNormalMixtureInClosedForm() {
        // ρ² = (−2 ln α + ln(1 − 2 ln α)) / N*
        double l = -2 * Math.log(0.05);
        assertEquals((l + Math.log(l + 1)) / 5000, Math.pow(Inference.rho(0.05, 5000), 2), 1e-15);
        Inference seq = Inference.sequential(5000);
        // at the interval's edge the p-value is its level, down to tiny levels: p ↔ interval duality
        for (double gamma : new double[] {0.2, 0.05, 1e-3, 1e-8, 1e-40}) {
            Estimate unit = new Estimate(0, 0.01, 3000, Double.POSITIVE_INFINITY);
            double w = seq.halfWidth(unit, gamma);
            Estimate atEdge = new Estimate(w, 0.01, 3000, Double.POSITIVE_INFINITY);
            assertEquals(gamma, seq.pValue(atEdge), gamma * 1e-9, "p at the edge of the " + gamma + " interval");
            // e-value by hand: √(1 + nρ²)·exp(−nρ²·z²/(2(1 + nρ²)))
            double a = 3000 * Math.pow(Inference.rho(0.05, 5000), 2);
            double z = w / 0.01;
            assertEquals(Math.sqrt(1 + a) * Math.exp(-a * z * z / (2 * (1 + a))), seq.pValue(atEdge), gamma * 1e-9);
            double w1 = seq.harmBound(new Estimate(0, 0.01, 3000, Double.POSITIVE_INFINITY), 1, gamma);
            assertEquals(gamma, seq.harmPValue(new Estimate(-w1, 0.01, 3000, Double.POSITIVE_INFINITY), 1), gamma * 1e-9,
                    "one-sided p at the edge of the " + gamma + " bound");
        }
        // no difference: p = 1, and the sequence is wider than the fixed-horizon interval
        Estimate zero = new Estimate(0, 0.01, 3000, Double.POSITIVE_INFINITY);
        assertEquals(1, seq.pValue(zero));
        assertTrue(seq.halfWidth(zero, 0.05) > Inference.fixedHorizon().halfWidth(zero, 0.05));
    }

    @Test
    void srmPValueIsTheUpperTailEvenFarOut() {
        // χ² with 2 df: p = exp(−χ²/2). Observed 30/30/40 against 1/3 each: E = 100/3.
        Srm srm = SampleRatio.check(new long[] {30, 30, 40}, new double[] {1, 1, 1});
        double e = 100.0 / 3;
        double chi = 2 * (30 - e) * (30 - e) / e + (40 - e) * (40 - e) / e;
        assertEquals(chi, srm.chiSquare(), EPS);
        assertEquals(Math.exp(-chi / 2), srm.pValue(), EPS);
        assertFalse(srm.mismatch());
        // 4000 / 5000 / 6000 on thirds: χ² = 400, p = e^−200 ≈ 1.4e-87, where 1 − CDF is exactly 0
        Srm far = SampleRatio.check(new long[] {4000, 5000, 6000}, new double[] {1, 1, 1});
        assertEquals(400, far.chiSquare(), EPS);
        assertEquals(Math.exp(-200), far.pValue(), Math.exp(-200) * 1e-10);
        assertTrue(far.pValue() > 0 && far.mismatch());
        assertTrue(SampleRatio.check(new long[] {900, 1100}, new double[] {0.5, 0.5}).mismatch());
        assertFalse(SampleRatio.check(new long[] {990, 1010}, new double[] {0.5, 0.5}).mismatch());
        assertTrue(SampleRatio.check(new long[] {10, 10, 1}, new double[] {0.5, 0.5, 0}).mismatch());
        assertFalse(SampleRatio.check(new long[] {0, 0}, new double[] {0.5, 0.5}).mismatch());
    }

    @Test
    void zeroVarianceIsNotComputableNotExact() {
        // 0/5 vs 5/5: both variants without variance
        Comparison c = compare(FIXED.withMinimums(2, 0), CONVERSION, true, Summary.conversions(5, 0), Summary.conversions(5, 5));
        assertEquals(Decision.NOT_COMPUTABLE, c.decision());
        assertTrue(c.reason().contains("zero variance"), c.reason());
        assertTrue(Double.isNaN(c.pValue()));
        assertNull(c.interval());
        // one variant without variance is enough: every participant spent exactly 4.99
        Comparison m = compare(FIXED.withMinimums(2, 0), REVENUE, true, new Summary(100, 100, 499, 100 * 4.99 * 4.99),
                new Summary(100, 50, 300, 4000));
        assertEquals(Decision.NOT_COMPUTABLE, m.decision());
        assertTrue(m.reason().contains("the control"), m.reason());
        assertFalse(m.significant());
    }

    @Test
    void theRelativeLiftDividesByTheControlsMagnitude() {
        // a metric that is negative on average (e.g. coins spent minus earned): control −20, treatment −17
        Summary control = new Summary(1000, 1000, -20_000, 1000 * (400 + 25));
        Summary treatment = new Summary(1000, 1000, -17_000, 1000 * (289 + 25));
        Comparison c = compare(FIXED, REVENUE, true, control, treatment);
        assertEquals(0.15, c.relativeLift(), EPS, "(−17 − (−20)) / |−20| = +15 %: a rise, not a fall");
        assertEquals(3, c.absoluteLift(), EPS);
        assertTrue(c.relativeCi().lower() > 0);
        // a control of 0 has no relative lift; the absolute scale still works
        Summary zero = new Summary(1000, 500, 0, 1000);
        Comparison none = compare(FIXED, REVENUE, true, zero, treatment);
        assertEquals(Decision.NOT_COMPUTABLE, none.decision());
        assertTrue(none.reason().contains("control's value is 0"), none.reason());
        assertEquals(Scale.ABSOLUTE, compare(FIXED.withScale(Scale.ABSOLUTE), REVENUE, true, zero, treatment).scale());
        assertFalse(Double.isNaN(compare(FIXED.withScale(Scale.ABSOLUTE), REVENUE, true, zero, treatment).pValue()));
    }

    @Test
    void noVerdictBeforeTheMinimumParticipantsAndConversions() {
        Comparison few = compare(AnalysisSettings.DEFAULTS, CONVERSION, true, Summary.conversions(99, 30), Summary.conversions(99, 60));
        assertEquals(Decision.NOT_ENOUGH_DATA, few.decision());
        assertTrue(few.reason().contains("100 participants and 10"), few.reason());
        assertTrue(Double.isNaN(few.pValue()));
        assertNull(few.interval());
        assertTrue(Double.isNaN(few.chanceToBeatControl()));
        assertFalse(Double.isNaN(few.estimate()), "the estimate itself is shown");
        Comparison rare = compare(AnalysisSettings.DEFAULTS, CONVERSION, true, Summary.conversions(5000, 9), Summary.conversions(5000, 40));
        assertEquals(Decision.NOT_ENOUGH_DATA, rare.decision());
        Comparison enough = compare(AnalysisSettings.DEFAULTS, CONVERSION, true, Summary.conversions(100, 10), Summary.conversions(100, 12));
        assertEquals(Decision.INCONCLUSIVE, enough.decision());
        // not in the correction family either
        Results r = calculate(AnalysisSettings.DEFAULTS, List.of(new MetricInput(CONVERSION, true, List.of(
                Summary.conversions(3000, 300), Summary.conversions(3000, 400), Summary.conversions(50, 5)))));
        assertEquals(1, r.comparisons());
        assertEquals(Decision.NOT_ENOUGH_DATA, r.metrics().get(0).variants().get(2).vsControl().decision());
    }

    @Test
    void theDirectionSaysWhatIsBetter() {
        Metric crashes = new Metric("crash_reported", MetricKind.CONVERSION, Direction.LOWER, null);
        Results r = calculate(FIXED, List.of(new MetricInput(crashes, true, List.of(
                Summary.conversions(5000, 500), Summary.conversions(5000, 350)))));
        Comparison c = r.metrics().get(0).variants().get(1).vsControl();
        assertTrue(c.significant());
        assertEquals(Decision.BETTER, c.decision(), "fewer crashes is better");
        assertTrue(c.chanceToBeatControl() > 0.99, "chance of being lower: " + c.chanceToBeatControl());
        Results up = calculate(FIXED, List.of(new MetricInput(CONVERSION, true, List.of(
                Summary.conversions(5000, 500), Summary.conversions(5000, 350)))));
        assertEquals(Decision.WORSE, up.metrics().get(0).variants().get(1).vsControl().decision());
        assertTrue(up.metrics().get(0).variants().get(1).vsControl().chanceToBeatControl() < 0.01);
    }

    @Test
    void guardrailsAreNotInTheFamilyAndGetOneSidedHarmTests() {
        // the example: adding three guardrails to three treatments used to multiply the primary's Holm p by 4
        List<Summary> primary = List.of(Summary.conversions(4000, 400), Summary.conversions(4000, 480),
                Summary.conversions(4000, 405), Summary.conversions(4000, 398));
        Results alone = calculate(FIXED, List.of(new MetricInput(CONVERSION, true, primary)));
        List<MetricInput> withGuardrails = new ArrayList<>();
        withGuardrails.add(new MetricInput(CONVERSION, true, primary));
        for (int g = 0; g < 3; g++) {
            withGuardrails.add(new MetricInput(new Metric("guardrail_" + g, MetricKind.CONVERSION), false, List.of(
                    Summary.conversions(4000, 1000), Summary.conversions(4000, 1010), Summary.conversions(4000, 990),
                    Summary.conversions(4000, 1005))));
        }
        Results guarded = calculate(FIXED, withGuardrails);
        assertEquals(3, alone.comparisons());
        assertEquals(3, guarded.comparisons(), "the family is the primary metric's comparisons");
        Comparison best = guarded.metrics().get(0).variants().get(1).vsControl();
        assertEquals(alone.metrics().get(0).variants().get(1).vsControl().adjustedPValue(), best.adjustedPValue(), 0);
        assertEquals(Math.min(1, 3 * best.pValue()), best.adjustedPValue(), EPS, "Holm: the smallest p times 3");
        Comparison guardrail = guarded.metrics().get(1).variants().get(1).vsControl();
        assertTrue(Double.isNaN(guardrail.adjustedPValue()));
        assertNull(guardrail.significant());
        assertEquals(Decision.NO_HARM_DETECTED, guardrail.decision());
        assertFalse(guarded.guardrailHarmed());

        // a guardrail that falls (higher is better) is harmed; one that rises is not; lower-is-better the other way
        List<Summary> falling = List.of(Summary.conversions(4000, 1000), Summary.conversions(4000, 880));
        Results harmed = calculate(AnalysisSettings.DEFAULTS, List.of(
                new MetricInput(CONVERSION, true, List.of(Summary.conversions(4000, 400), Summary.conversions(4000, 410))),
                new MetricInput(new Metric("purchase_completed", MetricKind.CONVERSION), false, falling),
                new MetricInput(new Metric("support_ticket", MetricKind.CONVERSION, Direction.LOWER, null), false, falling)));
        Comparison fall = harmed.metrics().get(1).variants().get(1).vsControl();
        assertEquals(Decision.HARMED, fall.decision());
        assertTrue(fall.harmed() && fall.harmPValue() < 0.05);
        assertEquals("upper", fall.interval().sides());
        assertTrue(fall.interval().upper() < 0, "the upper bound of the fall is below 0");
        assertTrue(Double.isInfinite(fall.interval().lower()));
        assertTrue(harmed.metrics().get(1).harmed());
        assertEquals(Decision.NO_HARM_DETECTED, harmed.metrics().get(2).variants().get(1).vsControl().decision(),
                "fewer support tickets is no harm");
        assertTrue(harmed.guardrailHarmed());
    }

    @Test
    void pValueVerdictAndDrawnIntervalTellOneStory() {
        // many random cases, both methods, both scales, both corrections, up to four variants
        SplittableRandom random = new SplittableRandom(7);
        int significant = 0;
        for (int i = 0; i < 400; i++) {
            AnalysisSettings settings = AnalysisSettings.DEFAULTS.withMethod(Method.values()[i % 2])
                    .withScale(Scale.values()[(i / 2) % 2]).withCorrection(Correction.values()[(i / 4) % 2]);
            int variants = 2 + random.nextInt(3);
            List<Summary> summaries = new ArrayList<>();
            for (int v = 0; v < variants; v++) {
                int n = 200 + random.nextInt(5000);
                summaries.add(Summary.conversions(n, Math.round(n * (0.08 + 0.06 * random.nextDouble()))));
            }
            Results r = calculate(settings, List.of(new MetricInput(CONVERSION, true, summaries),
                    new MetricInput(new Metric("g", MetricKind.CONVERSION), false, summaries)), false);
            for (int v = 1; v < variants; v++) {
                Comparison c = r.metrics().get(0).variants().get(v).vsControl();
                boolean excludes = c.interval().lower() > 0 || c.interval().upper() < 0;
                assertEquals(c.significant(), excludes, "case " + i + ": significant ⟺ the drawn interval excludes 0: " + c);
                assertEquals(c.adjustedPValue() < 0.05, excludes);
                assertEquals(c.pValue() < 0.05, c.scale() == Scale.RELATIVE ? c.relativeCi().lower() > 0 || c.relativeCi().upper() < 0
                        : c.absoluteCi().lower() > 0 || c.absoluteCi().upper() < 0, "p ⟺ the 95 % interval on the scale");
                if (c.significant()) {
                    significant++;
                    assertEquals(c.estimate() > 0 ? Decision.BETTER : Decision.WORSE, c.decision());
                    assertTrue(c.interval().lower() <= c.estimate() && c.estimate() <= c.interval().upper());
                }
                Comparison g = r.metrics().get(1).variants().get(v).vsControl();
                assertEquals(g.harmed(), g.interval().upper() < 0, "harmed ⟺ the one-sided bound is past 0");
            }
        }
        assertTrue(significant > 50, "the cases include verdicts: " + significant);
    }

    @Test
    void holmAndBenjaminiHochbergWorkedExamples() {
        // Holm: sorted 0.01, 0.02, 0.03, 0.5 → 4·0.01, max(0.04, 3·0.02), max(0.06, 2·0.03), max(0.06, 0.5)
        assertArrayEquals(new double[] {0.06, 0.5, 0.04, 0.06}, MultipleComparisons.holm(new double[] {0.03, 0.5, 0.01, 0.02}), EPS);
        // BH: m·p/rank = 0.04, 0.04, 0.04, 0.5 from the top down: min(0.5), min(0.5, 4·0.03/3), min(., 4·0.02/2), ...
        assertArrayEquals(new double[] {0.04, 0.5, 0.04, 0.04},
                MultipleComparisons.benjaminiHochberg(new double[] {0.03, 0.5, 0.01, 0.02}), EPS);
        assertArrayEquals(new double[] {0.7, Double.NaN}, MultipleComparisons.holm(new double[] {0.7, Double.NaN}), EPS);
    }

    @Test
    void chanceToBeatOfUniformAgainstBeta21IsTwoThirds() {
        // θ_c ~ U(0,1), θ_t ~ Beta(2,1) (density 2θ): P(θ_t > θ_c) = ∫ 2θ·θ dθ = 2/3
        assertEquals(2.0 / 3, Bayes.chanceToBeatBeta(1, 1, 2, 1), EPS);
        assertEquals(0.5, Bayes.chanceToBeatBeta(31, 71, 31, 71), EPS);
    }

    @Test
    void powerAndDaysToGoOfTheFixedHorizonMatchTheTextbookFormula() {
        // fixed horizon, normal approximation: n_needed = n·((z₀.₉₇₅ + z₀.₈)·SE / δ)² (the other tail is < 1e-6 here)
        Estimate now = new Estimate(0.02, 0.04, 2000, Double.POSITIVE_INFINITY);
        double z = 1.959963984540054;
        double zPower = 0.8416212335729143;
        Power.Forecast f = Power.forecast(Inference.fixedHorizon(), now, 0.05, 0.05, 400);
        double expected = 2000 * Math.pow((z + zPower) * 0.04 / 0.05, 2);
        assertEquals(expected, f.participantsNeeded(), 1.0);
        assertEquals((f.participantsNeeded() - 2000) / 400, f.daysToGo(), EPS);
        assertEquals((z + zPower) * 0.04, f.minimumDetectableEffect(), 1e-6);
        assertEquals(0.8, Inference.fixedHorizon().power(0.05, now.at(f.participantsNeeded()), 0.05), 1e-3);
        // anytime-valid inference needs more participants for the same power
        Power.Forecast s = Power.forecast(Inference.sequential(5000), now, 0.05, 0.05, 400);
        assertTrue(s.participantsNeeded() > f.participantsNeeded());
        // in the results, power is planned with the control's variance in both variants: the observed lift does not
        // change it. 10 % conversion, 1000 + 1000: SE of the relative lift √(0.09·(1/1000 + 1/1000)) / 0.1
        double plannedSe = Math.sqrt(0.09 * 0.002) / 0.1;
        for (long treatmentConversions : new long[] {100, 150, 200}) {
            Results r = calculate(FIXED, List.of(new MetricInput(CONVERSION, true, List.of(Summary.conversions(1000, 100),
                    Summary.conversions(1000, treatmentConversions)))));
            assertEquals((z + zPower) * plannedSe, r.power().get(0).minimumDetectableEffect(), 1e-4 * plannedSe);
            assertEquals(2000 / 7.0, r.power().get(0).dailyParticipants(), 1e-9, "2000 participants in 7 days");
            assertEquals((r.power().get(0).participantsNeeded() - 2000) / (2000 / 7.0), r.power().get(0).daysToGo(), 1e-9);
        }
        // powered already: nothing to go
        Power.Forecast done = Power.forecast(Inference.fixedHorizon(), new Estimate(0.1, 0.005, 50_000, Double.POSITIVE_INFINITY),
                0.05, 0.05, 400);
        assertEquals(0, done.daysToGo());
    }

    private static Comparison compare(AnalysisSettings settings, Metric metric, boolean primary, Summary c, Summary t) {
        return ResultsCalculator.compare(Inference.of(settings.method(), settings.sequentialTuning()), settings, metric, primary,
                c, t, true);
    }

    private static Results calculate(AnalysisSettings settings, List<MetricInput> metrics) {
        return calculate(settings, metrics, true);
    }

    private static Results calculate(AnalysisSettings settings, List<MetricInput> metrics, boolean chances) {
        int k = metrics.get(0).variants().size();
        String[] keys = new String[k];
        double[] weights = new double[k];
        long[] participants = new long[k];
        for (int i = 0; i < k; i++) {
            keys[i] = i == 0 ? "control" : "t" + i;
            weights[i] = 1;
            participants[i] = metrics.get(0).variants().get(i).participants();
        }
        return ResultsCalculator.calculate(new Design(keys, weights, participants, settings, 7), metrics, chances);
    }
}
