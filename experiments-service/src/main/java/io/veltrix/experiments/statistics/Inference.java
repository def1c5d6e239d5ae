package io.veltrix.experiments.statistics;

import io.veltrix.experiments.AnalysisSettings.Method;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.RealDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * p-values and intervals of one {@link Estimate}, by the experiment's method. Every number of a comparison comes from
 * the same estimate and standard error, so that a two-sided p-value is below γ exactly when the interval at error
 * level γ excludes 0, and a one-sided harm p-value is below γ exactly when the one-sided bound at γ is past 0. Pure.
 *
 * <h2>Sequential (default): asymptotic confidence sequences</h2>
 * After Waudby-Smith, Arbour, Sinha, Kennedy, Ramdas, "Time-uniform central limit theory and asymptotic confidence
 * sequences" (arXiv:2103.06476), the normal-mixture boundary GrowthBook's sequential testing also uses. With n the
 * participants behind the estimate (control + treatment), a = n·ρ², z = estimate / SE:
 * <ul>
 *   <li>two-sided interval at level γ: estimate ± SE·√(2(a + 1)/a · ln(√(a + 1)/γ));</li>
 *   <li>two-sided p-value: min(1, √(a + 1)·exp(−a·z² / (2(a + 1)))) (the inverse of the mixture e-value; below γ
 *       exactly when the interval at γ excludes 0);</li>
 *   <li>one-sided bound at γ (harm tests): estimate ∓ SE·√(2(a₁ + 1)/a₁ · ln(1 + √(a₁ + 1)/(2γ))), a₁ = n·ρ₁²;
 *       its p-value for h = the statistic in the harmful direction: min(1, √(a₁ + 1) / (2(e^u − 1))),
 *       u = a₁·h² / (2(a₁ + 1)), and 1 when h ≤ 0.</li>
 * </ul>
 * ρ is tuned so that the sequence is narrowest at n = N* ({@code sequentialTuning}):
 * ρ = √((−2 ln α + ln(1 − 2 ln α)) / N*) for the two-sided sequence and the same with 2α for the one-sided one
 * (α = 0.05). ρ stays fixed for every level γ, which keeps the p-values and the intervals dual.
 *
 * <h2>Fixed horizon</h2>
 * z = estimate / SE against the normal distribution (conversion metrics) or Student's t with the Welch–Satterthwaite
 * ν (mean metrics): p = 2·F(−|z|), interval estimate ± F⁻¹(1 − γ/2)·SE; one-sided p = F(−h), bound estimate ∓
 * F⁻¹(1 − γ)·SE.
 */
public final class Inference {

    /** The error rate of every test and interval: 95 % intervals, significant below 0.05. */
    public static final double ALPHA = 0.05;

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private final Method method;
    private final double rho2;
    private final double rho1;

    private Inference(Method method, double tuning) {
        this.method = method;
        this.rho2 = rho(ALPHA, tuning);
        this.rho1 = rho(2 * ALPHA, tuning);
    }

    /** Anytime-valid inference, narrowest at {@code tuning} participants. */
    public static Inference sequential(double tuning) {
        if (!(tuning > 0)) {
            throw new IllegalArgumentException("the sequential tuning must be positive: " + tuning);
        }
        return new Inference(Method.SEQUENTIAL, tuning);
    }

    /** Classical fixed-horizon inference. */
    public static Inference fixedHorizon() {
        return new Inference(Method.FIXED_HORIZON, 1);
    }

    /** The inference of {@code method}. */
    public static Inference of(Method method, double tuning) {
        return method == Method.SEQUENTIAL ? sequential(tuning) : fixedHorizon();
    }

    public Method method() {
        return method;
    }

    /** ρ of the normal mixture that makes the boundary at level {@code alpha} narrowest at n = {@code tuning}. */
    public static double rho(double alpha, double tuning) {
        double l = -2 * Math.log(alpha);
        return Math.sqrt((l + Math.log(l + 1)) / tuning);
    }

    /** Two-sided p-value of "the lift is 0". */
    public double pValue(Estimate e) {
        double z = e.statistic();
        if (method == Method.SEQUENTIAL) {
            double a = e.sampleSize() * rho2 * rho2;
            return Math.min(1, Math.exp(0.5 * Math.log1p(a) - a * z * z / (2 * (a + 1))));
        }
        return Math.min(1, 2 * distribution(e).cumulativeProbability(-Math.abs(z)));
    }

    /** Half the width of the two-sided interval at error level {@code gamma} (confidence 1 − γ). */
    public double halfWidth(Estimate e, double gamma) {
        if (method == Method.SEQUENTIAL) {
            double a = e.sampleSize() * rho2 * rho2;
            return e.standardError() * Math.sqrt(2 * (a + 1) / a * (0.5 * Math.log1p(a) - Math.log(gamma)));
        }
        return distribution(e).inverseCumulativeProbability(1 - gamma / 2) * e.standardError();
    }

    /** The two-sided interval at error level {@code gamma}. */
    public Interval interval(Estimate e, double gamma) {
        double w = halfWidth(e, gamma);
        return new Interval(e.value() - w, e.value() + w);
    }

    /**
     * One-sided p-value of "no harm" against "harm", where harm is a lift of sign {@code harmfulSign} (−1: a fall is
     * harmful, the metric's higher is better; +1: a rise is harmful).
     */
    public double harmPValue(Estimate e, int harmfulSign) {
        double h = harmfulSign * e.statistic();
        if (method == Method.SEQUENTIAL) {
            if (h <= 0) {
                return 1;
            }
            double a = e.sampleSize() * rho1 * rho1;
            double u = a * h * h / (2 * (a + 1));
            // ln(e^u − 1) = u + ln(1 − e^−u), without overflow
            double logP = 0.5 * Math.log1p(a) - Math.log(2) - (u + Math.log(-Math.expm1(-u)));
            return Math.min(1, Math.exp(logP));
        }
        return distribution(e).cumulativeProbability(-h);
    }

    /**
     * The one-sided bound at error level {@code gamma} that tells harm: the upper bound when a fall is harmful
     * ({@code harmfulSign} −1: harm shown when it is below 0), the lower bound when a rise is (above 0).
     */
    public double harmBound(Estimate e, int harmfulSign, double gamma) {
        double w;
        if (method == Method.SEQUENTIAL) {
            double a = e.sampleSize() * rho1 * rho1;
            w = e.standardError() * Math.sqrt(2 * (a + 1) / a * Math.log(1 + Math.sqrt(a + 1) / (2 * gamma)));
        } else {
            w = distribution(e).inverseCumulativeProbability(1 - gamma) * e.standardError();
        }
        return e.value() - harmfulSign * w;
    }

    /**
     * Probability that the two-sided test at level {@code gamma} rejects when the true lift is {@code effect} and the
     * estimate has {@code e}'s standard error and sample size (normal approximation of the estimate).
     */
    public double power(double effect, Estimate e, double gamma) {
        double w = method == Method.SEQUENTIAL ? halfWidth(e, gamma)
                : NORMAL.inverseCumulativeProbability(1 - gamma / 2) * e.standardError();
        double se = e.standardError();
        return NORMAL.cumulativeProbability((Math.abs(effect) - w) / se)
                + NORMAL.cumulativeProbability((-Math.abs(effect) - w) / se);
    }

    private static RealDistribution distribution(Estimate e) {
        double dof = e.degreesOfFreedom();
        if (Double.isNaN(dof) || Double.isInfinite(dof)) {
            return NORMAL;
        }
        return new TDistribution(null, dof, 1e-14);
    }

    /** A confidence interval; an infinite bound is an open side. */
    public record Interval(double lower, double upper) {

        public static final Interval NONE = new Interval(Double.NaN, Double.NaN);

        /** Whether 0 lies outside. */
        public boolean excludesZero() {
            return lower > 0 || upper < 0;
        }
    }
}
