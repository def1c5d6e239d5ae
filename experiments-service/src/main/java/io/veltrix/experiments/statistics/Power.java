package io.veltrix.experiments.statistics;

/**
 * Power of a running comparison, its minimum detectable effect and how many more participants (and days, at the
 * traffic so far) it needs. Pure. The standard error is assumed to shrink as 1/√n at the current split and variances:
 * SE(N) = SE·√(n / N). Power at a true lift δ is P(the two-sided test at level γ rejects) =
 * Φ((|δ| − w)/SE) + Φ((−|δ| − w)/SE), with w the interval's half-width at γ (sequential: the confidence sequence's at
 * N; fixed horizon: z₁₋γ/₂·SE). γ = α/m for a family of m comparisons (Bonferroni: a little conservative for
 * Holm and Benjamini–Hochberg).
 */
public final class Power {

    /** The power a comparison is planned for. */
    public static final double TARGET = 0.8;
    /** Beyond this many times the current participants, "not reachable". */
    private static final double MAX_GROWTH = 1e6;

    private Power() {
    }

    /**
     * @param effect             the lift the power is about, on the estimate's scale
     * @param power              power at that lift now
     * @param minimumDetectableEffect the smallest lift detected with 80 % power now
     * @param participants       participants behind the estimate now (control + this treatment)
     * @param participantsNeeded participants (control + this treatment) for 80 % power at {@code effect}; NaN when
     *                           not reachable
     * @param dailyParticipants  new participants (control + this treatment) per day so far; NaN when unknown
     * @param daysToGo           days still needed at that rate (0 when powered already); NaN when unknown
     */
    public record Forecast(double effect, double power, double minimumDetectableEffect, double participants,
                           double participantsNeeded, double dailyParticipants, double daysToGo) {
    }

    /**
     * @param dailyParticipants new participants per day behind {@code now} (NaN when the phase is closed)
     */
    public static Forecast forecast(Inference inference, Estimate now, double effect,
                                    double gamma, double dailyParticipants) {
        double powerNow = inference.power(effect, now, gamma);
        double mde = mde(inference, now, gamma);
        double n = now.sampleSize();
        double needed;
        if (powerNow >= TARGET) {
            needed = n;
        } else {
            double lo = n;
            double hi = n;
            while (inference.power(effect, now.at(hi), gamma) < TARGET) {
                lo = hi;
                hi *= 2;
                if (hi > n * MAX_GROWTH) {
                    hi = Double.NaN;
                    break;
                }
            }
            if (Double.isNaN(hi)) {
                needed = Double.NaN;
            } else {
                for (int i = 0; i < 100 && hi - lo > 0.5; i++) {
                    double mid = (lo + hi) / 2;
                    if (inference.power(effect, now.at(mid), gamma) >= TARGET) {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                needed = Math.ceil(hi);
            }
        }
        double days = Double.NaN;
        if (!Double.isNaN(needed) && dailyParticipants > 0) {
            days = Math.max(0, needed - n) / dailyParticipants;
        }
        return new Forecast(effect, powerNow, mde, n, needed, dailyParticipants, days);
    }

    /** The smallest |lift| with power 80 % at the current standard error (bisection on the power curve). */
    static double mde(Inference inference, Estimate now, double gamma) {
        double lo = 0;
        double hi = inference.halfWidth(now, gamma) + 4 * now.standardError();
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (inference.power(mid, now, gamma) >= TARGET) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }
}
