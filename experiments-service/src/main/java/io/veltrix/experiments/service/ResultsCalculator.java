package io.veltrix.experiments.service;

import io.veltrix.experiments.MetricKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The statistics of an experiment's results. Pure: counts in, numbers out; distributions from Apache Commons
 * Math 3. Every formula is written out here and in {@code docs/statistics.md}. A number that cannot be computed
 * (no participants, no variance, a zero control) is {@code NaN} (the API shows {@code null}).
 *
 * <h2>Per variant (treatment t) against the control c (variant 0), per metric</h2>
 *
 * <b>Conversion metrics</b> (x = participants with ≥ 1 event, n = participants, p = x / n):
 * <ul>
 *   <li>absolute lift d = p_t − p_c; 95% CI d ± z·√(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c) (unpooled Wald),
 *       z = Φ⁻¹(0.975);</li>
 *   <li>p-value: two-proportion z-test with pooled p̄ = (x_t + x_c)/(n_t + n_c):
 *       Z = d / √(p̄(1−p̄)(1/n_t + 1/n_c)), p = 2·Φ(−|Z|) (p = 1 when p̄ is 0 or 1);</li>
 *   <li>relative lift r = p_t / p_c − 1; 95% CI by the delta method:
 *       r ± z·√(V_t/p_c² + p_t²·V_c/p_c⁴), V = p(1−p)/n;</li>
 *   <li>chance to beat control: posteriors Beta(1 + x, 1 + n − x) (uniform Beta(1,1) prior),
 *       P(θ_t > θ_c) = ∫ f_t(θ)·F_c(θ) dθ by Gauss–Legendre quadrature over θ_t's support (mean ± 40 sd).</li>
 * </ul>
 *
 * <b>Mean metrics</b> (per participant total X, participants without events count as 0; m = ΣX / n,
 * s² = (ΣX² − n·m²) / (n − 1)):
 * <ul>
 *   <li>absolute lift d = m_t − m_c, SE = √(s_t²/n_t + s_c²/n_c);</li>
 *   <li>Welch's t-test: T = d / SE, Welch–Satterthwaite ν = SE⁴ / ((s_t²/n_t)²/(n_t−1) + (s_c²/n_c)²/(n_c−1)),
 *       p = 2·F_ν(−|T|); 95% CI d ± t_ν·SE with t_ν = F_ν⁻¹(0.975);</li>
 *   <li>relative lift r = m_t / m_c − 1; 95% CI by the delta method with the same t_ν:
 *       r ± t_ν·√((s_t²/n_t)/m_c² + m_t²·(s_c²/n_c)/m_c⁴);</li>
 *   <li>chance to beat control: normal posteriors with flat priors, m ~ N(m̂, s²/n), so
 *       P(μ_t > μ_c) = Φ(d / SE).</li>
 * </ul>
 *
 * <b>Multiple comparisons</b>: Holm's step-down correction over every (treatment, metric) p-value of the
 * experiment, primary and guardrails together: with the m p-values sorted p₍₁₎ ≤ … ≤ p₍ₘ₎,
 * p̃₍ᵢ₎ = min(1, max_{j≤i} (m − j + 1)·p₍ⱼ₎). A comparison is significant when p̃ &lt; 0.05.
 *
 * <b>Sample-ratio mismatch</b>: Pearson's χ² of the participants per variant against the configured weights
 * (normalised to sum 1): E_i = N·w_i, χ² = Σ(O_i − E_i)²/E_i over variants with w_i &gt; 0, ν = k − 1,
 * p = 1 − F_χ²(ν)(χ²); a mismatch when p &lt; 0.001 (or when a variant with weight 0 has participants).
 */
public final class ResultsCalculator {

    /** Two-sided significance level of the intervals and of "significant". */
    public static final double ALPHA = 0.05;
    /** The SRM check flags a mismatch below this p-value. */
    public static final double SRM_THRESHOLD = 0.001;

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);
    private static final double Z = STANDARD_NORMAL.inverseCumulativeProbability(1 - ALPHA / 2);
    /** Quadrature for the Beta-Binomial chance to beat control. */
    private static final int QUADRATURE_PIECES = 200;
    private static final GaussIntegrator UNIT_RULE = new GaussIntegratorFactory().legendre(20, 0, 1);

    private ResultsCalculator() {
    }

    /** A metric's summary in one variant: participants, participants with ≥ 1 event, Σ totals, Σ totals². */
    public record Summary(long participants, long converted, double sum, double sumSquares) {
    }

    /** One metric's summaries, one per variant in variant order (control first). */
    public record MetricInput(String metric, MetricKind kind, boolean primary, List<Summary> variants) {
    }

    /** A confidence interval. */
    public record Interval(double lower, double upper) {
    }

    /** A treatment against the control on one metric. */
    public record Comparison(double absoluteLift, Interval absoluteCi, double relativeLift, Interval relativeCi,
                             String test, double statistic, double degreesOfFreedom, double pValue,
                             double adjustedPValue, boolean significant, double chanceToBeatControl) {
        Comparison adjusted(double adjusted) {
            return new Comparison(absoluteLift, absoluteCi, relativeLift, relativeCi, test, statistic,
                    degreesOfFreedom, pValue, adjusted, !Double.isNaN(adjusted) && adjusted < ALPHA, chanceToBeatControl);
        }
    }

    /** One variant on one metric: its value (rate or mean) and, for treatments, the comparison with control. */
    public record VariantResult(String variant, long participants, long converted, double value, double stdDev,
                                Comparison vsControl) {
    }

    /** One metric across variants. */
    public record MetricResult(String metric, MetricKind kind, boolean primary, List<VariantResult> variants) {
    }

    /** The sample-ratio-mismatch check. */
    public record Srm(long[] observed, double[] expected, double chiSquare, int degreesOfFreedom, double pValue,
                      boolean mismatch) {
    }

    /** Everything for one experiment (one phase). */
    public record Results(Srm srm, List<MetricResult> metrics, int comparisons) {
    }

    /**
     * All results: the SRM check on {@code participants} against {@code weights}, and per metric each treatment
     * against the control, Holm-corrected over all comparisons.
     */
    public static Results calculate(String[] variantKeys, double[] weights, long[] participants,
                                    List<MetricInput> metrics) {
        Srm srm = srm(participants, weights);
        List<List<VariantResult>> perMetric = new ArrayList<>();
        List<double[]> positions = new ArrayList<>();
        List<Double> pValues = new ArrayList<>();
        for (int m = 0; m < metrics.size(); m++) {
            MetricInput metric = metrics.get(m);
            Summary control = metric.variants().get(0);
            List<VariantResult> variants = new ArrayList<>();
            for (int v = 0; v < metric.variants().size(); v++) {
                Summary s = metric.variants().get(v);
                Comparison c = null;
                if (v > 0) {
                    c = metric.kind() == MetricKind.CONVERSION ? conversion(control, s) : mean(control, s);
                    if (!Double.isNaN(c.pValue())) {
                        positions.add(new double[] {m, v});
                        pValues.add(c.pValue());
                    }
                }
                variants.add(new VariantResult(variantKeys[v], s.participants(), s.converted(), value(metric.kind(), s),
                        metric.kind() == MetricKind.CONVERSION ? Math.sqrt(rateVariance(s) * s.participants())
                                : Math.sqrt(sampleVariance(s)), c));
            }
            perMetric.add(variants);
        }
        double[] adjusted = holm(pValues.stream().mapToDouble(Double::doubleValue).toArray());
        for (int i = 0; i < adjusted.length; i++) {
            int m = (int) positions.get(i)[0];
            int v = (int) positions.get(i)[1];
            VariantResult r = perMetric.get(m).get(v);
            perMetric.get(m).set(v, new VariantResult(r.variant(), r.participants(), r.converted(), r.value(), r.stdDev(),
                    r.vsControl().adjusted(adjusted[i])));
        }
        List<MetricResult> results = new ArrayList<>();
        for (int m = 0; m < metrics.size(); m++) {
            MetricInput metric = metrics.get(m);
            results.add(new MetricResult(metric.metric(), metric.kind(), metric.primary(), List.copyOf(perMetric.get(m))));
        }
        return new Results(srm, results, adjusted.length);
    }

    /** The variant's conversion rate (x / n) or mean (ΣX / n). */
    public static double value(MetricKind kind, Summary s) {
        if (s.participants() == 0) {
            return Double.NaN;
        }
        return kind == MetricKind.CONVERSION ? (double) s.converted() / s.participants() : s.sum() / s.participants();
    }

    /** Conversion metric: z-test, Wald and delta-method intervals, Beta-Binomial chance to beat control. */
    public static Comparison conversion(Summary control, Summary treatment) {
        long nc = control.participants();
        long nt = treatment.participants();
        if (nc == 0 || nt == 0) {
            return undefined("two-proportion z-test");
        }
        double pc = (double) control.converted() / nc;
        double pt = (double) treatment.converted() / nt;
        double d = pt - pc;
        double vc = rateVariance(control);
        double vt = rateVariance(treatment);
        double se = Math.sqrt(vc + vt);
        Interval absolute = new Interval(d - Z * se, d + Z * se);

        double pooled = (double) (control.converted() + treatment.converted()) / (nc + nt);
        double se0 = Math.sqrt(pooled * (1 - pooled) * (1.0 / nc + 1.0 / nt));
        double z = se0 == 0 ? 0 : d / se0;
        double p = se0 == 0 ? 1 : 2 * STANDARD_NORMAL.cumulativeProbability(-Math.abs(z));

        double r = Double.NaN;
        Interval relative = new Interval(Double.NaN, Double.NaN);
        if (pc > 0) {
            r = pt / pc - 1;
            double seR = Math.sqrt(vt / (pc * pc) + pt * pt * vc / (pc * pc * pc * pc));
            relative = new Interval(r - Z * seR, r + Z * seR);
        }
        double chance = chanceToBeatBeta(1 + control.converted(), 1 + nc - control.converted(),
                1 + treatment.converted(), 1 + nt - treatment.converted());
        return new Comparison(d, absolute, r, relative, "two-proportion z-test", z, Double.NaN, p, Double.NaN, false,
                chance);
    }

    /** Mean metric: Welch's t-test, t intervals (delta method for the relative lift), normal chance to beat. */
    public static Comparison mean(Summary control, Summary treatment) {
        long nc = control.participants();
        long nt = treatment.participants();
        if (nc < 2 || nt < 2) {
            return undefined("Welch's t-test");
        }
        double mc = control.sum() / nc;
        double mt = treatment.sum() / nt;
        double d = mt - mc;
        double vc = sampleVariance(control) / nc;
        double vt = sampleVariance(treatment) / nt;
        double se = Math.sqrt(vc + vt);
        double r = mc == 0 ? Double.NaN : mt / mc - 1;
        if (se == 0) {
            // no variance at all: the difference is exact
            double p = d == 0 ? 1 : 0;
            return new Comparison(d, new Interval(d, d), r, new Interval(r, r), "Welch's t-test", Double.NaN,
                    Double.NaN, p, Double.NaN, false, d > 0 ? 1 : d < 0 ? 0 : 0.5);
        }
        double df = (vc + vt) * (vc + vt) / (vc * vc / (nc - 1) + vt * vt / (nt - 1));
        TDistribution t = new TDistribution(null, df, 1e-14);
        double tq = t.inverseCumulativeProbability(1 - ALPHA / 2);
        double statistic = d / se;
        double p = 2 * t.cumulativeProbability(-Math.abs(statistic));
        Interval relative = new Interval(Double.NaN, Double.NaN);
        if (mc != 0) {
            double seR = Math.sqrt(vt / (mc * mc) + mt * mt * vc / (mc * mc * mc * mc));
            relative = new Interval(r - tq * seR, r + tq * seR);
        }
        double chance = STANDARD_NORMAL.cumulativeProbability(d / se);
        return new Comparison(d, new Interval(d - tq * se, d + tq * se), r, relative, "Welch's t-test", statistic, df,
                p, Double.NaN, false, chance);
    }

    /**
     * P(θ_t &gt; θ_c) for independent θ_c ~ Beta(aC, bC), θ_t ~ Beta(aT, bT): ∫ f_t(θ) F_c(θ) dθ, by 20-point
     * Gauss–Legendre on 200 equal pieces of [mean_t − 40 sd_t, mean_t + 40 sd_t] ∩ [0, 1] (the mass outside is
     * below 1e-12).
     */
    public static double chanceToBeatBeta(double aC, double bC, double aT, double bT) {
        BetaDistribution c = new BetaDistribution(null, aC, bC);
        BetaDistribution t = new BetaDistribution(null, aT, bT);
        double mean = aT / (aT + bT);
        double sd = Math.sqrt(aT * bT / ((aT + bT) * (aT + bT) * (aT + bT + 1)));
        double lo = Math.max(0, mean - 40 * sd);
        double hi = Math.min(1, mean + 40 * sd);
        double width = (hi - lo) / QUADRATURE_PIECES;
        double total = 0;
        for (int k = 0; k < QUADRATURE_PIECES; k++) {
            double a = lo + k * width;
            double piece = 0;
            for (int i = 0; i < UNIT_RULE.getNumberOfPoints(); i++) {
                double x = a + UNIT_RULE.getPoint(i) * width;
                piece += UNIT_RULE.getWeight(i) * t.density(x) * c.cumulativeProbability(x);
            }
            total += piece * width;
        }
        return Math.min(1, Math.max(0, total));
    }

    /** Pearson's χ² goodness of fit of the participants to the weights (see the class comment). */
    public static Srm srm(long[] observed, double[] weights) {
        long total = Arrays.stream(observed).sum();
        double weightSum = Arrays.stream(weights).sum();
        double[] expected = new double[observed.length];
        double chi = 0;
        int cells = 0;
        boolean impossible = false;
        for (int i = 0; i < observed.length; i++) {
            double w = weightSum > 0 ? weights[i] / weightSum : 0;
            expected[i] = total * w;
            if (w > 0) {
                cells++;
                if (total > 0) {
                    chi += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
                }
            } else if (observed[i] > 0) {
                impossible = true;
            }
        }
        int df = cells - 1;
        if (impossible) {
            return new Srm(observed, expected, Double.POSITIVE_INFINITY, df, 0, true);
        }
        if (total == 0 || df < 1) {
            return new Srm(observed, expected, Double.NaN, df, Double.NaN, false);
        }
        double p = 1 - new ChiSquaredDistribution(null, df).cumulativeProbability(chi);
        return new Srm(observed, expected, chi, df, p, p < SRM_THRESHOLD);
    }

    /** Holm's step-down adjusted p-values, in the input order (NaN stays NaN and is not counted). */
    public static double[] holm(double[] pValues) {
        Integer[] order = new Integer[pValues.length];
        int m = 0;
        for (int i = 0; i < pValues.length; i++) {
            order[i] = i;
            if (!Double.isNaN(pValues[i])) {
                m++;
            }
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> Double.isNaN(pValues[i]) ? 2 : pValues[i]));
        double[] adjusted = new double[pValues.length];
        Arrays.fill(adjusted, Double.NaN);
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /** p(1 − p)/n of a conversion summary. */
    static double rateVariance(Summary s) {
        if (s.participants() == 0) {
            return Double.NaN;
        }
        double p = (double) s.converted() / s.participants();
        return p * (1 - p) / s.participants();
    }

    /** The sample variance s² of the per-participant totals. */
    static double sampleVariance(Summary s) {
        long n = s.participants();
        if (n < 2) {
            return Double.NaN;
        }
        double mean = s.sum() / n;
        return Math.max(0, (s.sumSquares() - n * mean * mean) / (n - 1));
    }

    private static Comparison undefined(String test) {
        Interval none = new Interval(Double.NaN, Double.NaN);
        return new Comparison(Double.NaN, none, Double.NaN, none, test, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                false, Double.NaN);
    }
}
