package io.veltrix.experiments.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.experiments.MetricKind;
import io.veltrix.experiments.service.ResultsCalculator.Comparison;
import io.veltrix.experiments.service.ResultsCalculator.MetricInput;
import io.veltrix.experiments.service.ResultsCalculator.Results;
import io.veltrix.experiments.service.ResultsCalculator.Srm;
import io.veltrix.experiments.service.ResultsCalculator.Summary;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The statistics against values worked out by hand in closed form (the reference-package comparison is
 * {@link ResultsCalculatorReferenceTest}).
 */
class ResultsCalculatorTest {

    private static final double EPS = 1e-9;

    @Test
    void welchWithTwoDegreesOfFreedomMatchesTheClosedForm() {
        // control totals {0, 2}: mean 1, s² 2; treatment {2, 4}: mean 3, s² 2. SE = √2, T = √2, ν = 2.
        // Student t with 2 df: F(t) = 1/2 + t / (2√(2 + t²)) → p = 2·F(−√2) = 1 − 1/√2;
        // F⁻¹(0.975) = 0.95·√(2 / (1 − 0.95²)).
        Comparison c = ResultsCalculator.mean(new Summary(2, 1, 2, 4), new Summary(2, 2, 6, 20));
        assertEquals(2, c.absoluteLift(), EPS);
        assertEquals(Math.sqrt(2), c.statistic(), EPS);
        assertEquals(2, c.degreesOfFreedom(), EPS);
        assertEquals(1 - 1 / Math.sqrt(2), c.pValue(), EPS);
        double tq = 0.95 * Math.sqrt(2 / (1 - 0.95 * 0.95));
        assertEquals(2 - tq * Math.sqrt(2), c.absoluteCi().lower(), EPS);
        assertEquals(2 + tq * Math.sqrt(2), c.absoluteCi().upper(), EPS);
        // relative: r = 3/1 − 1 = 2, SE_r = √(1/1 + 9·1/1) = √10 (delta method)
        assertEquals(2, c.relativeLift(), EPS);
        assertEquals(2 - tq * Math.sqrt(10), c.relativeCi().lower(), EPS);
    }

    @Test
    void srmWithThreeVariantsMatchesTheClosedForm() {
        // χ² with 2 df: p = exp(−χ²/2). Observed 30/30/40 against 1/3 each: E = 100/3.
        Srm srm = ResultsCalculator.srm(new long[] {30, 30, 40}, new double[] {1, 1, 1});
        double e = 100.0 / 3;
        double chi = 2 * (30 - e) * (30 - e) / e + (40 - e) * (40 - e) / e;
        assertEquals(chi, srm.chiSquare(), EPS);
        assertEquals(2, srm.degreesOfFreedom());
        assertEquals(Math.exp(-chi / 2), srm.pValue(), EPS);
        assertFalse(srm.mismatch());
    }

    @Test
    void srmFlagsA45To55SplitOf2000OnAFiftyFiftyExperiment() {
        Srm srm = ResultsCalculator.srm(new long[] {900, 1100}, new double[] {0.5, 0.5});
        assertEquals(20, srm.chiSquare(), EPS);
        assertTrue(srm.pValue() < ResultsCalculator.SRM_THRESHOLD);
        assertTrue(srm.mismatch());
        assertFalse(ResultsCalculator.srm(new long[] {990, 1010}, new double[] {0.5, 0.5}).mismatch());
    }

    @Test
    void srmWithParticipantsInAZeroWeightVariantIsAMismatch() {
        assertTrue(ResultsCalculator.srm(new long[] {10, 10, 1}, new double[] {0.5, 0.5, 0}).mismatch());
        assertFalse(ResultsCalculator.srm(new long[] {0, 0}, new double[] {0.5, 0.5}).mismatch());
    }

    @Test
    void chanceToBeatOfUniformAgainstBeta21IsTwoThirds() {
        // θ_c ~ U(0,1), θ_t ~ Beta(2,1) (density 2θ): P(θ_t > θ_c) = ∫ 2θ·θ dθ = 2/3
        assertEquals(2.0 / 3, ResultsCalculator.chanceToBeatBeta(1, 1, 2, 1), EPS);
        // and symmetric: equal posteriors → 1/2
        assertEquals(0.5, ResultsCalculator.chanceToBeatBeta(31, 71, 31, 71), EPS);
    }

    @Test
    void conversionOfEqualRatesHasNoLiftAndPValueOne() {
        Comparison c = ResultsCalculator.conversion(new Summary(1000, 100, 100, 100), new Summary(1000, 100, 100, 100));
        assertEquals(0, c.absoluteLift(), EPS);
        assertEquals(1, c.pValue(), EPS);
        assertEquals(0.5, c.chanceToBeatControl(), 1e-9);
        assertEquals(-c.absoluteCi().lower(), c.absoluteCi().upper(), EPS);
    }

    @Test
    void holmStepDown() {
        // sorted 0.01, 0.02, 0.03, 0.5 → 4·0.01, max(0.04, 3·0.02), max(0.06, 2·0.03), max(0.06, 0.5)
        double[] adjusted = ResultsCalculator.holm(new double[] {0.03, 0.5, 0.01, 0.02});
        assertArrayEquals(new double[] {0.06, 0.5, 0.04, 0.06}, adjusted, EPS);
        // a NaN (not computable) is not counted: one comparison, no correction
        assertArrayEquals(new double[] {0.7, Double.NaN}, ResultsCalculator.holm(new double[] {0.7, Double.NaN}), EPS);
    }

    @Test
    void resultsApplyHolmAcrossVariantsAndMetrics() {
        List<MetricInput> metrics = List.of(
                new MetricInput("treasure_claimed", MetricKind.CONVERSION, true, List.of(
                        new Summary(1000, 100, 0, 0), new Summary(1000, 140, 0, 0), new Summary(1000, 101, 0, 0))),
                new MetricInput("purchase_completed.revenue", MetricKind.MEAN, false, List.of(
                        new Summary(1000, 50, 500, 5000), new Summary(1000, 50, 520, 5200), new Summary(1000, 50, 480, 4800))));
        Results results = ResultsCalculator.calculate(new String[] {"control", "a", "b"}, new double[] {1, 1, 1},
                new long[] {1000, 1000, 1000}, metrics);
        assertEquals(4, results.comparisons());
        Comparison best = results.metrics().get(0).variants().get(1).vsControl();
        assertTrue(best.pValue() < 0.01);
        assertEquals(Math.min(1, 4 * best.pValue()), best.adjustedPValue(), EPS);
        assertTrue(best.significant());
        assertNull(results.metrics().get(0).variants().get(0).vsControl());
        assertEquals(0.14, results.metrics().get(0).variants().get(1).value(), EPS);
        assertEquals(0.52, results.metrics().get(1).variants().get(1).value(), EPS);
        assertFalse(results.srm().mismatch());
    }

    @Test
    void noParticipantsGivesUndefinedNumbersNotErrors() {
        Comparison c = ResultsCalculator.conversion(new Summary(0, 0, 0, 0), new Summary(10, 1, 1, 1));
        assertTrue(Double.isNaN(c.pValue()));
        Comparison m = ResultsCalculator.mean(new Summary(1, 0, 0, 0), new Summary(10, 1, 1, 1));
        assertTrue(Double.isNaN(m.absoluteLift()));
    }
}
