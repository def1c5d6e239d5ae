package io.veltrix.experiments.statistics;

/**
 * One metric in one variant, as sums over the analysed participants (no per-player rows are moved): participants n,
 * participants with at least one event ({@code converted}), Σ Y and Σ Y² of the per-participant values Y (for a
 * conversion metric Y is 0 or 1, so both sums equal {@code converted}), and, when CUPED is used, the same sums of the
 * pre-exposure values X with Σ X·Y.
 */
public record Summary(long participants, long converted, double sum, double sumSquares, Covariate pre) {

    /** A summary without a pre-exposure covariate. */
    public Summary(long participants, long converted, double sum, double sumSquares) {
        this(participants, converted, sum, sumSquares, null);
    }

    /** A conversion summary: n participants, x of them converted. */
    public static Summary conversions(long participants, long converted) {
        return new Summary(participants, converted, converted, converted);
    }

    /** Σ X, Σ X², Σ X·Y of the participants' pre-exposure values X (CUPED). */
    public record Covariate(double sum, double sumSquares, double crossSum) {
    }
}
