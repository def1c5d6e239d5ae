package io.veltrix.experiments.statistics;

import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The Bayesian chance that a treatment beats the control. Pure.
 * <ul>
 *   <li>Conversion metrics without CUPED: uniform Beta(1,1) priors, posteriors θ ~ Beta(1 + x, 1 + n − x);
 *       P(θ_t &gt; θ_c) = ∫ f_t(θ)·F_c(θ) dθ by 20-point Gauss–Legendre quadrature on 200 equal pieces of
 *       [mean_t ± 40 sd_t] ∩ [0, 1] (the mass left out is below 1e-12).</li>
 *   <li>Otherwise (mean metrics, CUPED): flat priors and normal posteriors, P(Δ &gt; 0) = Φ(D / SE) with the absolute
 *       lift D and its standard error.</li>
 * </ul>
 * "Beats" follows the metric's direction: for a lower-is-better metric it is the chance of being lower.
 */
public final class Bayes {

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);
    private static final int QUADRATURE_PIECES = 200;
    private static final GaussIntegrator UNIT_RULE = new GaussIntegratorFactory().legendre(20, 0, 1);

    private Bayes() {
    }

    /** P(θ_t &gt; θ_c) for independent θ_c ~ Beta(aC, bC), θ_t ~ Beta(aT, bT). */
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

    /** P(Δ &gt; 0) for a normal posterior of the absolute lift with mean {@code lift} and sd {@code se}. */
    public static double chanceToBeatNormal(double lift, double se) {
        return NORMAL.cumulativeProbability(lift / se);
    }
}
