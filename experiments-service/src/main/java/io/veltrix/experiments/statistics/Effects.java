package io.veltrix.experiments.statistics;

import io.veltrix.experiments.MetricKind;

/**
 * The lift of a treatment over the control from two {@link Summary summaries}: absolute and relative, each with its
 * standard error, with CUPED when both summaries carry a pre-exposure covariate. Pure.
 *
 * <p>Per variant: ȳ = ΣY / n and the variance of Y, with divisor n for a conversion metric (Bernoulli: p(1 − p)) and
 * n − 1 for a mean metric (the unbiased sample variance); the same divisor for the covariate X and the covariance.
 *
 * <p>CUPED: θ = (S_xy,c + S_xy,t) / (S_xx,c + S_xx,t), the pooled within-variant slope (S = sums of products of
 * deviations); θ = 0 when X never varies. The adjusted difference is D = (ȳ_t − ȳ_c) − θ·(x̄_t − x̄_c), and each
 * variant's variance of its adjusted mean v = (s²_y + θ²·s²_x − 2θ·s_xy) / n. Without CUPED θ = 0.
 *
 * <p>Absolute lift D, SE = √(v_t + v_c). Relative lift R = D / |ȳ_c| (the sign of the lift stays right when the
 * control's mean is negative), SE by the delta method over (ȳ_t, x̄_t, ȳ_c, x̄_c) with θ fixed:
 * Var R = v_t / ȳ_c² + (g²·s²_y,c + h²·s²_x,c + 2gh·s_xy,c) / n_c with g = ∂R/∂ȳ_c = −1/|ȳ_c| − D·sgn(ȳ_c)/ȳ_c² and
 * h = ∂R/∂x̄_c = θ / |ȳ_c|; without CUPED this is the usual v_t/ȳ_c² + ȳ_t²·v_c/ȳ_c⁴.
 *
 * <p>Degrees of freedom (fixed-horizon t for mean metrics): ν = (v_t + v_c)² / (v_t²/(n_t − 1) + v_c²/(n_c − 1))
 * (Welch–Satterthwaite), for both scales; conversion metrics use the normal distribution (ν = ∞).
 *
 * <p>Not computable: fewer than 2 participants in a variant; zero variance of Y in either variant (a variance below
 * 10⁻¹⁰·ȳ² counts as zero: that is rounding); a control mean of 0 (relative lift only).
 */
public final class Effects {

    /** A variance this small relative to the squared mean is rounding, not variation. */
    private static final double ZERO_VARIANCE = 1e-10;

    private Effects() {
    }

    /**
     * Absolute and relative lift. {@code reason} (why nothing is computable) is null when {@code absolute} is
     * computable; {@code relativeReason} likewise for {@code relative}.
     */
    public record Lifts(Estimate absolute, Estimate relative, double absoluteLift, double relativeLift, double theta,
                        String reason, String relativeReason) {

        boolean computable() {
            return reason == null;
        }
    }

    /** Mean, variance of Y and X, covariance, with the metric kind's divisor. */
    record Moments(long n, double meanY, double varY, double meanX, double varX, double covXY, double sxx, double sxy) {
    }

    static Moments moments(MetricKind kind, Summary s) {
        long n = s.participants();
        double divisor = kind == MetricKind.CONVERSION ? n : n - 1;
        double meanY = s.sum() / n;
        double syy = Math.max(0, s.sumSquares() - n * meanY * meanY);
        if (kind == MetricKind.CONVERSION) {
            // exactly p(1 − p), without rounding
            syy = n * meanY * (1 - meanY);
        }
        double meanX = 0;
        double sxx = 0;
        double sxy = 0;
        if (s.pre() != null) {
            meanX = s.pre().sum() / n;
            sxx = Math.max(0, s.pre().sumSquares() - n * meanX * meanX);
            sxy = s.pre().crossSum() - n * meanX * meanY;
        }
        return new Moments(n, meanY, syy / divisor, meanX, sxx / divisor, sxy / divisor, sxx, sxy);
    }

    /** The treatment's lifts over the control on {@code kind}'s summaries. */
    public static Lifts lifts(MetricKind kind, Summary control, Summary treatment) {
        long nc = control.participants();
        long nt = treatment.participants();
        double pointAbs = nc > 0 && nt > 0 ? treatment.sum() / nt - control.sum() / nc : Double.NaN;
        double pointRel = nc > 0 && nt > 0 && control.sum() != 0 ? pointAbs / Math.abs(control.sum() / nc) : Double.NaN;
        if (nc < 2 || nt < 2) {
            return new Lifts(null, null, pointAbs, pointRel, Double.NaN, "fewer than 2 participants in a variant",
                    "fewer than 2 participants in a variant");
        }
        Moments c = moments(kind, control);
        Moments t = moments(kind, treatment);
        if (isZero(c.varY(), c.meanY()) || isZero(t.varY(), t.meanY())) {
            String which = isZero(c.varY(), c.meanY()) && isZero(t.varY(), t.meanY()) ? "both variants"
                    : isZero(c.varY(), c.meanY()) ? "the control" : "the treatment";
            String reason = "zero variance in " + which + " (every participant has the same value)";
            return new Lifts(null, null, pointAbs, pointRel, Double.NaN, reason, reason);
        }
        boolean cuped = control.pre() != null && treatment.pre() != null;
        double theta = 0;
        if (cuped && c.sxx() + t.sxx() > 0) {
            theta = (c.sxy() + t.sxy()) / (c.sxx() + t.sxx());
        }
        double vt = adjustedVariance(t, theta) / nt;
        double vc = adjustedVariance(c, theta) / nc;
        double d = (t.meanY() - c.meanY()) - theta * (t.meanX() - c.meanX());
        double n = nc + nt;
        double dof = kind == MetricKind.MEAN
                ? (vt + vc) * (vt + vc) / (vt * vt / (nt - 1) + vc * vc / (nc - 1))
                : Double.POSITIVE_INFINITY;
        if (!(vt + vc > 0)) {
            String reason = "the CUPED-adjusted values do not vary (the metric is a linear function of its pre-exposure value)";
            return new Lifts(null, null, d, Double.NaN, theta, reason, reason);
        }
        Estimate absolute = new Estimate(d, Math.sqrt(vt + vc), n, dof);
        double mu = c.meanY();
        if (mu == 0) {
            return new Lifts(absolute, null, d, Double.NaN, cuped ? theta : Double.NaN, null,
                    "the control's value is 0: no relative lift");
        }
        double abs = Math.abs(mu);
        double g = -1 / abs - d * Math.signum(mu) / (mu * mu);
        double h = theta / abs;
        double varRelative = vt / (mu * mu) + (g * g * c.varY() + h * h * c.varX() + 2 * g * h * c.covXY()) / nc;
        Estimate relative = new Estimate(d / abs, Math.sqrt(varRelative), n, dof);
        return new Lifts(absolute, relative, d, d / abs, cuped ? theta : Double.NaN, null, null);
    }

    private static double adjustedVariance(Moments m, double theta) {
        // Var(Y − θX) ≥ 0 in exact arithmetic; rounding may push it slightly below
        return Math.max(0, m.varY() + theta * theta * m.varX() - 2 * theta * m.covXY());
    }

    private static boolean isZero(double variance, double mean) {
        return variance <= 0 || variance <= ZERO_VARIANCE * mean * mean;
    }
}
