package io.veltrix.experiments.statistics;

import com.fasterxml.jackson.annotation.JsonValue;
import io.veltrix.experiments.AnalysisSettings;
import io.veltrix.experiments.AnalysisSettings.Correction;
import io.veltrix.experiments.AnalysisSettings.Method;
import io.veltrix.experiments.AnalysisSettings.Scale;
import io.veltrix.experiments.Metric;
import io.veltrix.experiments.Metric.Capping;
import io.veltrix.experiments.Metric.Direction;
import io.veltrix.experiments.MetricKind;
import io.veltrix.experiments.statistics.Effects.Lifts;
import io.veltrix.experiments.statistics.Inference.Interval;
import io.veltrix.experiments.statistics.SampleRatio.Srm;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An experiment's results from its summaries: per metric, each treatment against the control (variant 0). Pure:
 * counts in, numbers out; the formulas are in {@link Effects} (lifts and standard errors, CUPED), {@link Inference}
 * (p-values and intervals, sequential or fixed horizon), {@link MultipleComparisons}, {@link SampleRatio},
 * {@link Power}, {@link Bayes} and docs/statistics.md. A number that cannot be computed is NaN (the API shows null).
 *
 * <p>One story per number: a comparison's p-value, its verdict and the interval the dashboard draws all come from one
 * {@link Estimate} (the lift on the experiment's scale and its standard error).
 * <ul>
 *   <li>Primary metric: a two-sided test per treatment; the treatments form the correction family (Holm or
 *       Benjamini–Hochberg); {@code significant} = adjusted p &lt; 0.05; the drawn interval is the method's interval
 *       at level γ = 0.05·p / p̃, which excludes 0 exactly when p̃ &lt; 0.05; the verdict is {@code better} or
 *       {@code worse} by the metric's direction, else {@code inconclusive}.</li>
 *   <li>Guardrails: not in the family; a one-sided test of harm (a move in the bad direction) at 0.05 each, drawn as
 *       the one-sided 95 % bound: {@code harmed} or {@code no_harm_detected}.</li>
 *   <li>Before {@code minParticipants} participants and {@code minConversions} participants with an event in both
 *       variants: {@code not_enough_data}, no p-value, interval or verdict. Zero variance, a zero control (relative
 *       scale), fewer than 2 participants: {@code not_computable}.</li>
 * </ul>
 */
public final class ResultsCalculator {

    /** Error rate of every test: 95 % intervals, a verdict below 0.05. */
    public static final double ALPHA = Inference.ALPHA;

    private ResultsCalculator() {
    }

    /**
     * What is analysed: the variants (control first), their weights and participants (for the SRM check), the
     * settings, and how long the phase has run in days (NaN when it is closed: no "days to go").
     */
    public record Design(String[] variantKeys, double[] weights, long[] participants, AnalysisSettings settings,
                         double elapsedDays) {
    }

    /** CUPED for one metric: whether it was applied, its window, and why not when it was not. */
    public record Cuped(boolean applied, Integer windowDays, String note) {
        public static final Cuped OFF = new Cuped(false, null, null);
    }

    /**
     * One metric's summaries, one per variant in variant order (control first), with the cap applied to its values
     * (NaN when none) and CUPED's state (the summaries carry the covariate when it was applied).
     */
    public record MetricInput(Metric metric, boolean primary, List<Summary> variants, double cap, Cuped cuped) {
        public MetricInput(Metric metric, boolean primary, List<Summary> variants) {
            this(metric, primary, variants, Double.NaN, Cuped.OFF);
        }
    }

    /** The metric's part in the decision. */
    public enum Role {
        PRIMARY, GUARDRAIL;

        @JsonValue
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a comparison says. */
    @Schema(enumeration = {"better", "worse", "inconclusive", "harmed", "no_harm_detected", "not_enough_data", "not_computable"})
    public enum Decision {
        /** Primary: significantly better in the metric's direction. */
        BETTER,
        /** Primary: significantly worse. */
        WORSE,
        /** Primary: no significant difference (yet). */
        INCONCLUSIVE,
        /** Guardrail: significant harm (a move in the bad direction). */
        HARMED,
        /** Guardrail: no significant harm (yet). */
        NO_HARM_DETECTED,
        /** Below the minimum participants or conversions: no verdict yet. */
        NOT_ENOUGH_DATA,
        /** No variance, a zero control, too few participants: nothing to test. */
        NOT_COMPUTABLE;

        @JsonValue
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The interval the verdict is read from (and the dashboard draws), on the experiment's scale: the bounds, its
     * confidence, and its sides ({@code two-sided}; {@code upper}: only an upper bound, lower is null;
     * {@code lower}: only a lower bound).
     */
    public record DrawnInterval(double lower, double upper, double confidence, String sides) {
    }

    /** A treatment against the control on one metric. */
    @Schema(description = "A treatment against the control on one metric. pValue, interval and decision come from one "
            + "estimate (the lift on `scale`) and its standardError")
    public record Comparison(
            Role role, Method method, Scale scale,
            @Schema(description = "The test, e.g. 'anytime-valid confidence sequence on the relative lift'") String test,
            @Schema(description = "Treatment − control (CUPED-adjusted when CUPED applies)") double absoluteLift,
            @Schema(description = "95 % two-sided interval of the absolute lift by the method (its own standard error); "
                    + "the decision's only when scale is absolute") Interval absoluteCi,
            @Schema(description = "(Treatment − control) / |control|") double relativeLift,
            @Schema(description = "95 % two-sided interval of the relative lift by the method; the decision's only when "
                    + "scale is relative") Interval relativeCi,
            @Schema(description = "The lift on `scale`") double estimate,
            @Schema(description = "Standard error of `estimate`") double standardError,
            @Schema(description = "estimate / standardError") double statistic,
            @Schema(description = "Welch–Satterthwaite ν (fixed horizon, mean metrics); null for the normal") double degreesOfFreedom,
            @Schema(description = "Participants behind the estimate (control + treatment): the confidence sequence's n")
            double sampleSize,
            @Schema(description = "Two-sided p-value of 'no difference' on `scale` by the method (below 0.05 exactly when "
                    + "the 95 % interval of `scale` excludes 0)") double pValue,
            @Schema(description = "Primary metric: pValue corrected over the primary metric's comparisons; null for guardrails")
            double adjustedPValue,
            @Schema(description = "Primary metric: adjustedPValue < 0.05; null for guardrails") Boolean significant,
            @Schema(description = "Guardrails: one-sided p-value of harm (a move in the metric's bad direction); null for the primary")
            double harmPValue,
            @Schema(description = "Guardrails: harmPValue < 0.05; null for the primary") Boolean harmed,
            @Schema(description = "The interval the decision is read from: primary, two-sided at the corrected level; "
                    + "guardrails, the one-sided 95 % bound") DrawnInterval interval,
            Decision decision,
            @Schema(description = "Why there is no verdict (not_enough_data, not_computable)") String reason,
            @Schema(description = "Bayesian chance that the treatment is better than control in the metric's direction")
            double chanceToBeatControl,
            @Schema(description = "CUPED's θ when CUPED applies, else null") double cupedTheta) {
    }

    /** One variant on one metric: its value (rate or mean, after capping) and, for treatments, the comparison. */
    public record VariantResult(String variant, long participants, long converted, double value, double stdDev,
                                Comparison vsControl) {
    }

    /** One metric across variants. */
    public record MetricResult(String metric, MetricKind kind, boolean primary, Role role, Direction direction,
                               @Schema(description = "The capping rule (mean metrics), null when none") Capping capping,
                               @Schema(description = "The cap applied to each participant's total, null when none") double cap,
                               Cuped cuped,
                               @Schema(description = "Guardrails: some treatment harms this metric") boolean harmed,
                               List<VariantResult> variants) {
    }

    /** Power of one primary comparison. */
    @Schema(description = "Power of the primary metric's comparison of one treatment with the control, at the target lift")
    public record PowerResult(String variant, Scale scale,
                              @Schema(description = "The lift the power is for, on `scale` (targetMde × |control| on the absolute scale)")
                              double targetEffect,
                              @Schema(description = "Probability to detect targetEffect at the current sample size") double power,
                              @Schema(description = "The smallest lift detected with 80 % power at the current sample size")
                              double minimumDetectableEffect,
                              @Schema(description = "Participants so far, control + this treatment") double participants,
                              @Schema(description = "Participants (control + this treatment) for 80 % power at targetEffect; "
                                      + "null when out of reach") double participantsNeeded,
                              @Schema(description = "New participants (control + this treatment) per day so far; null when "
                                      + "the phase is closed") double dailyParticipants,
                              @Schema(description = "Days still needed at that rate (0: powered already); null when unknown")
                              double daysToGo) {
    }

    /** Everything for one experiment (one phase). */
    public record Results(Srm srm, List<MetricResult> metrics, int comparisons, Correction correction,
                          boolean guardrailHarmed, List<PowerResult> power) {
    }

    /** All results (see the class comment). */
    public static Results calculate(Design design, List<MetricInput> metrics) {
        return calculate(design, metrics, true);
    }

    /** All results; without the Bayesian chances to beat control when {@code chances} is false (simulations). */
    static Results calculate(Design design, List<MetricInput> metrics, boolean chances) {
        AnalysisSettings settings = design.settings();
        Inference inference = Inference.of(settings.method(), settings.sequentialTuning());
        Srm srm = SampleRatio.check(design.participants(), design.weights());
        List<List<Comparison>> comparisons = new ArrayList<>();
        List<int[]> family = new ArrayList<>();
        List<PowerResult> power = new ArrayList<>();
        for (int m = 0; m < metrics.size(); m++) {
            MetricInput metric = metrics.get(m);
            Summary control = metric.variants().get(0);
            List<Comparison> row = new ArrayList<>();
            row.add(null);
            for (int v = 1; v < metric.variants().size(); v++) {
                Summary treatment = metric.variants().get(v);
                Comparison c = compare(inference, settings, metric.metric(), metric.primary(), control, treatment, chances);
                row.add(c);
                if (metric.primary() && c.decision() != Decision.NOT_COMPUTABLE && c.decision() != Decision.NOT_ENOUGH_DATA) {
                    family.add(new int[] {m, v});
                }
                if (metric.primary()) {
                    PowerResult p = power(inference, settings, metric.metric().kind(), control, treatment,
                            design.variantKeys()[v], metric.variants().size() - 1, design.elapsedDays());
                    if (p != null) {
                        power.add(p);
                    }
                }
            }
            comparisons.add(row);
        }
        double[] pValues = family.stream().mapToDouble(at -> comparisons.get(at[0]).get(at[1]).pValue()).toArray();
        double[] adjusted = MultipleComparisons.adjust(settings.correction(), pValues);
        for (int i = 0; i < family.size(); i++) {
            int[] at = family.get(i);
            Comparison c = comparisons.get(at[0]).get(at[1]);
            Metric metric = metrics.get(at[0]).metric();
            comparisons.get(at[0]).set(at[1], corrected(inference, c, metric, adjusted[i], family.size()));
        }
        List<MetricResult> results = new ArrayList<>();
        boolean anyHarm = false;
        for (int m = 0; m < metrics.size(); m++) {
            MetricInput metric = metrics.get(m);
            List<VariantResult> variants = new ArrayList<>();
            boolean harmed = false;
            for (int v = 0; v < metric.variants().size(); v++) {
                Summary s = metric.variants().get(v);
                Comparison c = comparisons.get(m).get(v);
                harmed |= c != null && Boolean.TRUE.equals(c.harmed());
                variants.add(new VariantResult(design.variantKeys()[v], s.participants(), s.converted(),
                        s.participants() == 0 ? Double.NaN : s.sum() / s.participants(), stdDev(metric.metric().kind(), s), c));
            }
            anyHarm |= harmed;
            results.add(new MetricResult(metric.metric().name(), metric.metric().kind(), metric.primary(),
                    metric.primary() ? Role.PRIMARY : Role.GUARDRAIL, metric.metric().direction(), metric.metric().capping(),
                    metric.cap(), metric.cuped(), harmed, List.copyOf(variants)));
        }
        return new Results(srm, results, family.size(), settings.correction(), anyHarm, power);
    }

    /**
     * One treatment against the control, before the correction: for the primary metric the drawn interval is the
     * uncorrected 95 % one and {@code significant} is unset until {@link #calculate} corrects it.
     */
    public static Comparison compare(Inference inference, AnalysisSettings settings, Metric metric, boolean primary,
                                     Summary control, Summary treatment, boolean withChance) {
        Role role = primary ? Role.PRIMARY : Role.GUARDRAIL;
        Scale scale = settings.scale();
        boolean cuped = control.pre() != null && treatment.pre() != null;
        String test = test(inference.method(), scale, metric.kind(), cuped);
        Lifts lifts = Effects.lifts(metric.kind(), control, treatment);
        Estimate e = scale == Scale.RELATIVE ? lifts.relative() : lifts.absolute();
        if (e == null) {
            String reason = lifts.reason() != null ? lifts.reason() : lifts.relativeReason();
            return empty(role, inference.method(), scale, test, lifts, null, Decision.NOT_COMPUTABLE, reason);
        }
        String shortfall = shortfall(settings, control, treatment);
        if (shortfall != null) {
            return empty(role, inference.method(), scale, test, lifts, e, Decision.NOT_ENOUGH_DATA, shortfall);
        }
        Interval absoluteCi = inference.interval(lifts.absolute(), ALPHA);
        Interval relativeCi = lifts.relative() == null ? Interval.NONE : inference.interval(lifts.relative(), ALPHA);
        double p = inference.pValue(e);
        double chance = Double.NaN;
        if (withChance) {
            chance = chance(metric, control, treatment, lifts, cuped);
        }
        double dof = Double.isInfinite(e.degreesOfFreedom()) || inference.method() == Method.SEQUENTIAL
                ? Double.NaN : e.degreesOfFreedom();
        double theta = cuped ? lifts.theta() : Double.NaN;
        if (primary) {
            Interval ci = scale == Scale.RELATIVE ? relativeCi : absoluteCi;
            return new Comparison(role, inference.method(), scale, test, lifts.absoluteLift(), absoluteCi,
                    lifts.relativeLift(), relativeCi, e.value(), e.standardError(), e.statistic(), dof, e.sampleSize(), p,
                    Double.NaN, null, Double.NaN, null, new DrawnInterval(ci.lower(), ci.upper(), 1 - ALPHA, "two-sided"),
                    Decision.INCONCLUSIVE, null, chance, theta);
        }
        int harmful = -metric.sign();
        double harmP = inference.harmPValue(e, harmful);
        double bound = inference.harmBound(e, harmful, ALPHA);
        boolean harmed = harmP < ALPHA;
        DrawnInterval drawn = harmful < 0
                ? new DrawnInterval(Double.NEGATIVE_INFINITY, bound, 1 - ALPHA, "upper")
                : new DrawnInterval(bound, Double.POSITIVE_INFINITY, 1 - ALPHA, "lower");
        return new Comparison(role, inference.method(), scale, test, lifts.absoluteLift(), absoluteCi, lifts.relativeLift(),
                relativeCi, e.value(), e.standardError(), e.statistic(), dof, e.sampleSize(), p, Double.NaN, null, harmP,
                harmed, drawn, harmed ? Decision.HARMED : Decision.NO_HARM_DETECTED, null, chance, theta);
    }

    /**
     * The primary comparison after the correction: adjusted p-value, verdict, and the interval at level
     * γ = α·p / p̃ (α / m when p̃ is 0), which excludes 0 exactly when p̃ &lt; α.
     */
    private static Comparison corrected(Inference inference, Comparison c, Metric metric, double adjusted, int familySize) {
        double gamma = adjusted > 0 ? ALPHA * c.pValue() / adjusted : ALPHA / familySize;
        Estimate e = new Estimate(c.estimate(), c.standardError(), c.sampleSize(),
                Double.isNaN(c.degreesOfFreedom()) ? Double.POSITIVE_INFINITY : c.degreesOfFreedom());
        Interval drawn = inference.interval(e, gamma);
        boolean significant = adjusted < ALPHA;
        Decision decision = !significant ? Decision.INCONCLUSIVE
                : metric.sign() * c.estimate() > 0 ? Decision.BETTER : Decision.WORSE;
        return new Comparison(c.role(), c.method(), c.scale(), c.test(), c.absoluteLift(), c.absoluteCi(), c.relativeLift(),
                c.relativeCi(), c.estimate(), c.standardError(), c.statistic(), c.degreesOfFreedom(), c.sampleSize(),
                c.pValue(), adjusted, significant, c.harmPValue(), c.harmed(),
                new DrawnInterval(drawn.lower(), drawn.upper(), 1 - gamma, "two-sided"), decision, null,
                c.chanceToBeatControl(), c.cupedTheta());
    }

    /**
     * Power of the primary comparison at the target lift, or null when nothing is computable. The standard error is
     * the one planned for, not the observed one: both variants with the control's variance (CUPED-adjusted when
     * CUPED applies), SE = √(s²_c·(1/n_t + 1/n_c)), divided by |ȳ_c| on the relative scale, so that the estimate
     * does not depend on the lift observed so far.
     */
    private static PowerResult power(Inference inference, AnalysisSettings settings, MetricKind kind, Summary control,
                                     Summary treatment, String variant, int treatments, double elapsedDays) {
        long nc = control.participants();
        long nt = treatment.participants();
        if (nc < 2 || nt < 1) {
            return null;
        }
        Effects.Moments c = Effects.moments(kind, control);
        Lifts lifts = Effects.lifts(kind, control, treatment);
        double theta = control.pre() != null && treatment.pre() != null && !Double.isNaN(lifts.theta()) ? lifts.theta() : 0;
        double variance = c.varY() + theta * theta * c.varX() - 2 * theta * c.covXY();
        double se = Math.sqrt(variance * (1.0 / nt + 1.0 / nc));
        double effect = settings.targetMde();
        if (settings.scale() == Scale.RELATIVE) {
            se /= Math.abs(c.meanY());
        } else {
            effect *= Math.abs(c.meanY());
        }
        if (!(se > 0) || Double.isInfinite(se) || !(effect > 0)) {
            return null;
        }
        Estimate planned = new Estimate(0, se, nc + nt, Double.POSITIVE_INFINITY);
        double daily = elapsedDays > 0 ? planned.sampleSize() / elapsedDays : Double.NaN;
        Power.Forecast f = Power.forecast(inference, planned, effect, ALPHA / Math.max(1, treatments), daily);
        return new PowerResult(variant, settings.scale(), f.effect(), f.power(), f.minimumDetectableEffect(), f.participants(),
                f.participantsNeeded(), f.dailyParticipants(), f.daysToGo());
    }

    /** Why a comparison has not enough data yet, or null when it has. */
    static String shortfall(AnalysisSettings settings, Summary control, Summary treatment) {
        long n = Math.min(control.participants(), treatment.participants());
        long x = Math.min(control.converted(), treatment.converted());
        if (n >= settings.minParticipants() && x >= settings.minConversions()) {
            return null;
        }
        return "each variant needs " + settings.minParticipants() + " participants and " + settings.minConversions()
                + " with an event of the metric before a verdict; the smallest has " + n + " and " + x;
    }

    private static double chance(Metric metric, Summary control, Summary treatment, Lifts lifts, boolean cuped) {
        double better;
        if (metric.kind() == MetricKind.CONVERSION && !cuped) {
            better = Bayes.chanceToBeatBeta(1 + control.converted(), 1 + control.participants() - control.converted(),
                    1 + treatment.converted(), 1 + treatment.participants() - treatment.converted());
        } else {
            better = Bayes.chanceToBeatNormal(lifts.absolute().value(), lifts.absolute().standardError());
        }
        return metric.direction() == Direction.LOWER ? 1 - better : better;
    }

    private static String test(Method method, Scale scale, MetricKind kind, boolean cuped) {
        String on = " on the " + scale.value() + " lift" + (scale == Scale.RELATIVE ? " (delta method)" : "")
                + (cuped ? ", CUPED" : "");
        if (method == Method.SEQUENTIAL) {
            return "anytime-valid confidence sequence" + on;
        }
        return (kind == MetricKind.CONVERSION ? "z-test" : "Welch's t-test") + on;
    }

    private static Comparison empty(Role role, Method method, Scale scale, String test, Lifts lifts, Estimate e,
                                    Decision decision, String reason) {
        return new Comparison(role, method, scale, test, lifts.absoluteLift(), Interval.NONE, lifts.relativeLift(),
                Interval.NONE, e == null ? Double.NaN : e.value(), e == null ? Double.NaN : e.standardError(), Double.NaN,
                Double.NaN, e == null ? Double.NaN : e.sampleSize(), Double.NaN, Double.NaN,
                role == Role.PRIMARY ? Boolean.FALSE : null, Double.NaN, role == Role.GUARDRAIL ? Boolean.FALSE : null,
                null, decision, reason, Double.NaN, Double.NaN);
    }

    private static double stdDev(MetricKind kind, Summary s) {
        long n = s.participants();
        if (n < 2) {
            return Double.NaN;
        }
        double mean = s.sum() / n;
        if (kind == MetricKind.CONVERSION) {
            return Math.sqrt(mean * (1 - mean));
        }
        return Math.sqrt(Math.max(0, (s.sumSquares() - n * mean * mean) / (n - 1)));
    }
}
