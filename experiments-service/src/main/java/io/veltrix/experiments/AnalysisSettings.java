package io.veltrix.experiments;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * How an experiment's results are analysed (see docs/statistics.md). The defaults suit a team that looks at live
 * results whenever it likes: anytime-valid inference on the relative lift, Holm's correction over the primary metric's
 * comparisons, a verdict only after 100 participants and 10 conversions per variant.
 *
 * @param method           {@code sequential} (anytime-valid confidence sequences, default) or {@code fixed_horizon}
 *                         (for a sample size fixed in advance and looked at once)
 * @param scale            the lift the p-value, the verdict and the drawn interval are about: {@code relative}
 *                         ((treatment − control) / |control|, default) or {@code absolute} (treatment − control)
 * @param correction       the multiple-comparison correction over the primary metric's comparisons
 * @param sequentialTuning N*, the participants (control + treatment) at which the confidence sequence is narrowest
 * @param minParticipants  participants each variant needs before a comparison gets a p-value, an interval and a verdict
 * @param minConversions   participants with at least one event of the metric each variant needs, likewise
 * @param cupedWindowDays  CUPED's pre-exposure window in days, null when CUPED is off
 * @param targetMde        the relative lift the power estimate is for (0.05 = 5 % of the control's value)
 */
public record AnalysisSettings(Method method, Scale scale, Correction correction, double sequentialTuning,
                               int minParticipants, int minConversions, Integer cupedWindowDays, double targetMde) {

    public static final Method DEFAULT_METHOD = Method.SEQUENTIAL;
    public static final Scale DEFAULT_SCALE = Scale.RELATIVE;
    public static final Correction DEFAULT_CORRECTION = Correction.HOLM;
    public static final double DEFAULT_SEQUENTIAL_TUNING = 5000;
    public static final int DEFAULT_MIN_PARTICIPANTS = 100;
    public static final int DEFAULT_MIN_CONVERSIONS = 10;
    public static final double DEFAULT_TARGET_MDE = 0.05;

    /** Everything at its default. */
    public static final AnalysisSettings DEFAULTS = new AnalysisSettings(DEFAULT_METHOD, DEFAULT_SCALE, DEFAULT_CORRECTION,
            DEFAULT_SEQUENTIAL_TUNING, DEFAULT_MIN_PARTICIPANTS, DEFAULT_MIN_CONVERSIONS, null, DEFAULT_TARGET_MDE);

    /** Same settings with another method. */
    public AnalysisSettings withMethod(Method m) {
        return new AnalysisSettings(m, scale, correction, sequentialTuning, minParticipants, minConversions, cupedWindowDays,
                targetMde);
    }

    /** Same settings with another scale. */
    public AnalysisSettings withScale(Scale s) {
        return new AnalysisSettings(method, s, correction, sequentialTuning, minParticipants, minConversions, cupedWindowDays,
                targetMde);
    }

    /** Same settings with another correction. */
    public AnalysisSettings withCorrection(Correction c) {
        return new AnalysisSettings(method, scale, c, sequentialTuning, minParticipants, minConversions, cupedWindowDays,
                targetMde);
    }

    /** Same settings with other minimums. */
    public AnalysisSettings withMinimums(int participants, int conversions) {
        return new AnalysisSettings(method, scale, correction, sequentialTuning, participants, conversions, cupedWindowDays,
                targetMde);
    }

    /** Same settings with another CUPED window (null: off). */
    public AnalysisSettings withCupedWindowDays(Integer days) {
        return new AnalysisSettings(method, scale, correction, sequentialTuning, minParticipants, minConversions, days,
                targetMde);
    }

    /** How p-values and intervals are computed. */
    @Schema(enumeration = {"sequential", "fixed_horizon"})
    public enum Method {
        /** Anytime-valid: asymptotic confidence sequences (Waudby-Smith et al.); look as often as you like. */
        SEQUENTIAL,
        /** Classical z / Welch t analysis: valid only when looked at once, at a sample size fixed in advance. */
        FIXED_HORIZON;

        @JsonValue
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Method parse(String value) {
            for (Method m : values()) {
                if (m.value().equalsIgnoreCase(value)) {
                    return m;
                }
            }
            return null;
        }
    }

    /** The lift decisions are made on. */
    @Schema(enumeration = {"relative", "absolute"})
    public enum Scale {
        RELATIVE, ABSOLUTE;

        @JsonValue
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Scale parse(String value) {
            for (Scale s : values()) {
                if (s.value().equalsIgnoreCase(value)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** Multiple-comparison correction over the primary metric's comparisons. */
    @Schema(enumeration = {"holm", "benjamini_hochberg"})
    public enum Correction {
        /** Holm's step-down: controls the family-wise error rate. */
        HOLM,
        /** Benjamini–Hochberg step-up: controls the false discovery rate (see docs/statistics.md for when). */
        BENJAMINI_HOCHBERG;

        @JsonValue
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Correction parse(String value) {
            for (Correction c : values()) {
                if (c.value().equalsIgnoreCase(value)) {
                    return c;
                }
            }
            return null;
        }
    }
}
