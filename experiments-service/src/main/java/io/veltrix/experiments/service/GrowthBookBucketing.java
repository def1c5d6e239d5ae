package io.veltrix.experiments.service;

/**
 * Deterministic assignment, identical to GrowthBook's SDKs with {@code hashVersion: 2} (see DESIGN.md,
 * "Experiments"). Pure: no state, no I/O.
 *
 * <ul>
 *   <li>{@code fnv32a(s)}: h = 0x811C9DC5; for each UTF-16 code unit c of s: h ^= c; h = h × 0x01000193 mod 2³².</li>
 *   <li>bucket {@code n = (fnv32a(decimal(fnv32a(seed + id))) mod 10000) / 10000}, seed = experiment key.</li>
 *   <li>ranges: variant i owns [startᵢ, startᵢ + coverage·wᵢ), startᵢ = w₀ + … + wᵢ₋₁ (summed in that order, in
 *   double precision, as the JS SDK does); a bucket in no range is not in the experiment.</li>
 * </ul>
 *
 * Like the SDK, weights that do not add up to 1 ± 0.01 (or do not match the variant count) fall back to equal
 * weights; the API refuses such weights anyway.
 */
public final class GrowthBookBucketing {

    /** The hash version this class implements (GrowthBook's "v2", unbiased). */
    public static final int HASH_VERSION = 2;

    private GrowthBookBucketing() {
    }

    /** The result of placing one player. {@code variant} is -1 when the player is not in the experiment. */
    public record Placement(double bucket, int variant) {
        public boolean inExperiment() {
            return variant >= 0;
        }
    }

    /** 32-bit FNV-1a over the string's UTF-16 code units, as an unsigned value. */
    public static long fnv32a(String value) {
        int hash = 0x811C9DC5;
        for (int i = 0; i < value.length(); i++) {
            hash ^= value.charAt(i);
            hash *= 0x01000193;
        }
        return Integer.toUnsignedLong(hash);
    }

    /** The player's bucket in [0, 1) for this seed (hash version 2). */
    public static double bucket(String seed, String playerId) {
        long inner = fnv32a(seed + playerId);
        return (fnv32a(Long.toString(inner)) % 10000) / 10000.0;
    }

    /** The variants' ranges [start, end) for a coverage and weights. */
    public static double[][] ranges(double coverage, double[] weights) {
        double c = Math.min(1, Math.max(0, coverage));
        double[] w = weights;
        double total = 0;
        for (double x : w) {
            total += x;
        }
        if (w.length == 0 || total < 0.99 || total > 1.01) {
            w = new double[weights.length];
            java.util.Arrays.fill(w, 1.0 / weights.length);
        }
        double[][] ranges = new double[w.length][];
        double cumulative = 0;
        for (int i = 0; i < w.length; i++) {
            double start = cumulative;
            cumulative += w[i];
            ranges[i] = new double[] {start, start + c * w[i]};
        }
        return ranges;
    }

    /** The variant whose range holds {@code bucket}, or -1. */
    public static int choose(double bucket, double[][] ranges) {
        for (int i = 0; i < ranges.length; i++) {
            if (bucket >= ranges[i][0] && bucket < ranges[i][1]) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Places a player in an experiment. An empty player id, or fewer than two variants, is never in the
     * experiment (as in the SDK).
     */
    public static Placement place(String seed, double coverage, double[] weights, String playerId) {
        if (playerId == null || playerId.isEmpty() || weights.length < 2) {
            return new Placement(Double.NaN, -1);
        }
        double n = bucket(seed, playerId);
        return new Placement(n, choose(n, ranges(coverage, weights)));
    }
}
