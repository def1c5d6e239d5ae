package io.veltrix.experiments.statistics;

/**
 * A lift with its standard error: what every p-value, interval and verdict of a comparison is computed from.
 *
 * @param value            the estimated lift (relative or absolute)
 * @param standardError    its standard error
 * @param sampleSize       participants behind it (control + treatment): the confidence sequence's n
 * @param degreesOfFreedom Welch–Satterthwaite ν for the fixed-horizon t distribution; infinite for the normal
 */
public record Estimate(double value, double standardError, double sampleSize, double degreesOfFreedom) {

    /** The z (or t) statistic value / SE. */
    public double statistic() {
        return value / standardError;
    }

    /** The same estimate with the standard error it would have with {@code participants} instead (same split). */
    public Estimate at(double participants) {
        return new Estimate(value, standardError * Math.sqrt(sampleSize / participants), participants, degreesOfFreedom);
    }
}
