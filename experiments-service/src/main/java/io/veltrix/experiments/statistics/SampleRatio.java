package io.veltrix.experiments.statistics;

import java.util.Arrays;
import org.apache.commons.math3.special.Gamma;

/**
 * The sample-ratio-mismatch check: Pearson's χ² goodness of fit of the participants per variant to the weights
 * (normalised to sum 1): E_i = N·w_i, χ² = Σ (O_i − E_i)² / E_i over the variants with w_i &gt; 0, ν = k − 1, and
 * p = Q(ν/2, χ²/2), the upper regularized gamma function (the χ² survival function computed directly, so that tiny
 * p-values keep their digits instead of becoming 1 − 1 = 0). A mismatch when p &lt; 0.001, or when a variant of
 * weight 0 has participants. Pure.
 */
public final class SampleRatio {

    /** The check flags a mismatch below this p-value. */
    public static final double THRESHOLD = 0.001;

    private SampleRatio() {
    }

    /** The check's outcome. */
    public record Srm(long[] observed, double[] expected, double chiSquare, int degreesOfFreedom, double pValue,
                      boolean mismatch) {
    }

    public static Srm check(long[] observed, double[] weights) {
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
        double p = Gamma.regularizedGammaQ(df / 2.0, chi / 2, 1e-15, 100_000);
        return new Srm(observed, expected, chi, df, p, p < THRESHOLD);
    }
}
