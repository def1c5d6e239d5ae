package io.veltrix.experiments.statistics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.experiments.AnalysisSettings;
import io.veltrix.experiments.AnalysisSettings.Method;
import io.veltrix.experiments.AnalysisSettings.Scale;
import io.veltrix.experiments.Metric;
import io.veltrix.experiments.MetricKind;
import io.veltrix.experiments.statistics.ResultsCalculator.Comparison;
import io.veltrix.experiments.statistics.ResultsCalculator.Design;
import io.veltrix.experiments.statistics.ResultsCalculator.MetricInput;
import io.veltrix.experiments.statistics.ResultsCalculator.Results;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whole simulated experiments through {@link ResultsCalculator#calculate}, as a team would read them: many A/A
 * experiments looked at every day, intervals against the true lift, CUPED on correlated data. Deterministic (fixed
 * seeds) and a few seconds in all. The thresholds leave room for simulation noise (each comment gives the standard
 * error); the figures themselves are printed.
 */
class SimulationTest {

    private static final Metric CONVERSION = new Metric("purchase_completed", MetricKind.CONVERSION);
    private static final Metric MEAN = new Metric("purchase_completed.revenue", MetricKind.MEAN);
    private static final int DAYS = 30;
    private static final int DAILY = 300;

    /**
     * The setting: A/A (the same 10 % conversion in both variants), 300 new participants a day, results read
     * once a day for 30 days; a "false winner" is an experiment significant at any look. 2000 experiments: standard
     * error of a 5 % rate ≈ 0.5 %.
     */
    @Test
    void dailyPeekingAtAaExperimentsKeepsTheFalsePositiveRateOfAnytimeValidInferenceBelowFivePercent() {
        int experiments = 2000;
        int[] falseWinners = new int[2];
        SplittableRandom random = new SplittableRandom(20261201);
        for (int x = 0; x < experiments; x++) {
            long[] n = new long[2];
            long[] converted = new long[2];
            boolean[] flagged = new boolean[2];
            for (int day = 0; day < DAYS; day++) {
                for (int i = 0; i < DAILY; i++) {
                    int v = random.nextInt(2);
                    n[v]++;
                    converted[v] += random.nextDouble() < 0.10 ? 1 : 0;
                }
                for (Method method : Method.values()) {
                    Comparison c = primary(method, Scale.RELATIVE, CONVERSION,
                            Summary.conversions(n[0], converted[0]), Summary.conversions(n[1], converted[1]));
                    flagged[method.ordinal()] |= c.significant();
                }
            }
            for (Method method : Method.values()) {
                falseWinners[method.ordinal()] += flagged[method.ordinal()] ? 1 : 0;
            }
        }
        double sequential = (double) falseWinners[Method.SEQUENTIAL.ordinal()] / experiments;
        double fixed = (double) falseWinners[Method.FIXED_HORIZON.ordinal()] / experiments;
        System.out.printf("A/A conversion, daily looks for %d days: false winners sequential %.1f %%, fixed horizon %.1f %%%n",
                DAYS, 100 * sequential, 100 * fixed);
        assertTrue(sequential <= 0.05, "anytime-valid: at most 5 % false winners, got " + sequential);
        assertTrue(fixed >= 0.20, "fixed horizon read daily gives far more false winners, got " + fixed);
    }

    /** The same with a skewed mean metric (revenue: most players pay nothing, payers lognormal). */
    @Test
    void dailyPeekingAtAaExperimentsOnASkewedMeanMetric() {
        int experiments = 1000;
        int[] falseWinners = new int[2];
        SplittableRandom seeds = new SplittableRandom(99);
        for (int x = 0; x < experiments; x++) {
            Random random = new Random(seeds.nextLong());
            double[][] sums = new double[2][4];
            boolean[] flagged = new boolean[2];
            for (int day = 0; day < DAYS; day++) {
                for (int i = 0; i < DAILY; i++) {
                    int v = random.nextInt(2);
                    double value = random.nextDouble() < 0.2 ? Math.exp(1 + 0.8 * random.nextGaussian()) : 0;
                    sums[v][0]++;
                    sums[v][1] += value;
                    sums[v][2] += value * value;
                    sums[v][3] += value > 0 ? 1 : 0;
                }
                for (Method method : Method.values()) {
                    Comparison c = primary(method, Scale.RELATIVE, MEAN, summary(sums[0]), summary(sums[1]));
                    flagged[method.ordinal()] |= c.significant();
                }
            }
            for (Method method : Method.values()) {
                falseWinners[method.ordinal()] += flagged[method.ordinal()] ? 1 : 0;
            }
        }
        double sequential = (double) falseWinners[Method.SEQUENTIAL.ordinal()] / experiments;
        double fixed = (double) falseWinners[Method.FIXED_HORIZON.ordinal()] / experiments;
        System.out.printf("A/A revenue, daily looks for %d days: false winners sequential %.1f %%, fixed horizon %.1f %%%n",
                DAYS, 100 * sequential, 100 * fixed);
        assertTrue(sequential <= 0.05, "anytime-valid: at most 5 % false winners, got " + sequential);
        assertTrue(fixed >= 0.20, "fixed horizon read daily: far more, got " + fixed);
    }

    /**
     * True lift +10 % (10 % → 11 %), 9000 participants a variant: the fixed-horizon 95 % interval covers it about 95 %
     * of the time (2000 experiments: SE 0.5 %); the confidence sequence covers it at all 30 daily looks at once at
     * least 95 % of the time; on both scales.
     */
    @Test
    void intervalsCoverTheTrueLift() {
        int experiments = 2000;
        double pc = 0.10;
        double pt = 0.11;
        for (Scale scale : Scale.values()) {
            double truth = scale == Scale.RELATIVE ? pt / pc - 1 : pt - pc;
            int fixedCovered = 0;
            int sequentialAlwaysCovered = 0;
            SplittableRandom random = new SplittableRandom(4242 + scale.ordinal());
            for (int x = 0; x < experiments; x++) {
                long[] n = new long[2];
                long[] converted = new long[2];
                boolean always = true;
                Comparison last = null;
                for (int day = 0; day < DAYS; day++) {
                    for (int i = 0; i < 2 * DAILY; i++) {
                        int v = i % 2;
                        n[v]++;
                        converted[v] += random.nextDouble() < (v == 0 ? pc : pt) ? 1 : 0;
                    }
                    Comparison s = primary(Method.SEQUENTIAL, scale, CONVERSION, Summary.conversions(n[0], converted[0]),
                            Summary.conversions(n[1], converted[1]));
                    always &= s.interval().lower() <= truth && truth <= s.interval().upper();
                    if (day == DAYS - 1) {
                        last = primary(Method.FIXED_HORIZON, scale, CONVERSION, Summary.conversions(n[0], converted[0]),
                                Summary.conversions(n[1], converted[1]));
                    }
                }
                fixedCovered += last.interval().lower() <= truth && truth <= last.interval().upper() ? 1 : 0;
                sequentialAlwaysCovered += always ? 1 : 0;
            }
            double fixed = (double) fixedCovered / experiments;
            double sequential = (double) sequentialAlwaysCovered / experiments;
            System.out.printf("coverage of the true %s lift: fixed horizon %.1f %% at the end, sequential %.1f %% at all 30 looks%n",
                    scale.value(), 100 * fixed, 100 * sequential);
            assertTrue(fixed >= 0.935 && fixed <= 0.965, scale + ": fixed-horizon coverage about 95 %, got " + fixed);
            assertTrue(sequential >= 0.95, scale + ": time-uniform coverage at least 95 %, got " + sequential);
        }
    }

    /**
     * CUPED on data where the pre-exposure value explains half the variance (correlation 0.7): the estimates stay
     * unbiased (mean within 3 Monte-Carlo standard errors of the truth), the intervals are about √(1 − 0.7²) ≈ 0.71
     * times as wide, and they still cover the truth about 95 % of the time (1000 experiments: SE 0.7 %).
     */
    @Test
    void cupedNarrowsTheIntervalWithoutBias() {
        int experiments = 1000;
        int participants = 2000;
        double effect = 0.5;
        double r = 0.7;
        SplittableRandom seeds = new SplittableRandom(31337);
        double sumPlain = 0;
        double sumCuped = 0;
        double sumSquaresCuped = 0;
        double widthPlain = 0;
        double widthCuped = 0;
        int coveredCuped = 0;
        int coveredPlain = 0;
        for (int x = 0; x < experiments; x++) {
            Random random = new Random(seeds.nextLong());
            double[][] arms = new double[2][6];
            for (int i = 0; i < 2 * participants; i++) {
                int v = i % 2;
                double pre = 10 + 3 * random.nextGaussian();
                double post = 10 + (v == 1 ? effect : 0) + r * (pre - 10) + 3 * Math.sqrt(1 - r * r) * random.nextGaussian();
                double[] a = arms[v];
                a[0]++;
                a[1] += post;
                a[2] += post * post;
                a[3] += pre;
                a[4] += pre * pre;
                a[5] += pre * post;
            }
            Summary[] plain = new Summary[2];
            Summary[] cuped = new Summary[2];
            for (int v = 0; v < 2; v++) {
                double[] a = arms[v];
                plain[v] = new Summary((long) a[0], (long) a[0], a[1], a[2]);
                cuped[v] = new Summary((long) a[0], (long) a[0], a[1], a[2], new Summary.Covariate(a[3], a[4], a[5]));
            }
            Comparison p = primary(Method.FIXED_HORIZON, Scale.ABSOLUTE, MEAN, plain[0], plain[1]);
            Comparison c = primary(Method.FIXED_HORIZON, Scale.ABSOLUTE, MEAN, cuped[0], cuped[1]);
            sumPlain += p.estimate();
            sumCuped += c.estimate();
            sumSquaresCuped += c.estimate() * c.estimate();
            widthPlain += p.interval().upper() - p.interval().lower();
            widthCuped += c.interval().upper() - c.interval().lower();
            coveredCuped += c.interval().lower() <= effect && effect <= c.interval().upper() ? 1 : 0;
            coveredPlain += p.interval().lower() <= effect && effect <= p.interval().upper() ? 1 : 0;
        }
        double meanCuped = sumCuped / experiments;
        double sdCuped = Math.sqrt(sumSquaresCuped / experiments - meanCuped * meanCuped);
        double ratio = widthCuped / widthPlain;
        double coverage = (double) coveredCuped / experiments;
        System.out.printf("CUPED (r = %.1f): mean estimate %.4f (truth %.1f, without CUPED %.4f), width ratio %.3f, "
                        + "coverage %.1f %% (without CUPED %.1f %%)%n", r, meanCuped, effect, sumPlain / experiments, ratio,
                100 * coverage, 100.0 * coveredPlain / experiments);
        assertTrue(Math.abs(meanCuped - effect) < 3 * sdCuped / Math.sqrt(experiments), "unbiased: " + meanCuped);
        assertTrue(ratio > 0.66 && ratio < 0.76, "about √(1 − r²) = 0.71 as wide: " + ratio);
        assertTrue(coverage >= 0.935 && coverage <= 0.965, "CUPED intervals still cover about 95 %: " + coverage);
    }

    private static Comparison primary(Method method, Scale scale, Metric metric, Summary control, Summary treatment) {
        AnalysisSettings settings = AnalysisSettings.DEFAULTS.withMethod(method).withScale(scale);
        Design design = new Design(new String[] {"control", "treatment"}, new double[] {0.5, 0.5},
                new long[] {control.participants(), treatment.participants()}, settings, Double.NaN);
        Results r = ResultsCalculator.calculate(design, List.of(new MetricInput(metric, true, List.of(control, treatment))), false);
        return r.metrics().get(0).variants().get(1).vsControl();
    }

    private static Summary summary(double[] sums) {
        return new Summary((long) sums[0], (long) sums[3], sums[1], sums[2]);
    }
}
