package io.veltrix.experiments.statistics;

import io.veltrix.experiments.AnalysisSettings.Correction;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Adjusted p-values of one family of comparisons (the primary metric's: one per treatment). NaN p-values are not
 * part of the family and stay NaN. Pure.
 *
 * <ul>
 *   <li>Holm (step-down, family-wise error rate): with the m p-values sorted p₍₁₎ ≤ … ≤ p₍ₘ₎,
 *       p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎).</li>
 *   <li>Benjamini–Hochberg (step-up, false discovery rate): p̃₍ᵢ₎ = min(1, min_{j ≥ i} m·p₍ⱼ₎ / j).</li>
 * </ul>
 */
public final class MultipleComparisons {

    private MultipleComparisons() {
    }

    /** The adjusted p-values, in the input order. */
    public static double[] adjust(Correction correction, double[] pValues) {
        return correction == Correction.BENJAMINI_HOCHBERG ? benjaminiHochberg(pValues) : holm(pValues);
    }

    /** Holm's step-down adjusted p-values. */
    public static double[] holm(double[] pValues) {
        Integer[] order = sorted(pValues);
        int m = count(pValues);
        double[] adjusted = nans(pValues.length);
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /** Benjamini–Hochberg step-up adjusted p-values. */
    public static double[] benjaminiHochberg(double[] pValues) {
        Integer[] order = sorted(pValues);
        int m = count(pValues);
        double[] adjusted = nans(pValues.length);
        double running = 1;
        for (int rank = m - 1; rank >= 0; rank--) {
            int i = order[rank];
            running = Math.min(running, (double) m * pValues[i] / (rank + 1));
            adjusted[i] = running;
        }
        return adjusted;
    }

    private static Integer[] sorted(double[] pValues) {
        Integer[] order = new Integer[pValues.length];
        for (int i = 0; i < pValues.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> Double.isNaN(pValues[i]) ? 2 : pValues[i]));
        return order;
    }

    private static int count(double[] pValues) {
        return (int) Arrays.stream(pValues).filter(p -> !Double.isNaN(p)).count();
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }
}
