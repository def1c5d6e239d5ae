package io.veltrix.experiments.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.AnalysisSettings;
import io.veltrix.experiments.Experiment;
import io.veltrix.experiments.Metric;
import io.veltrix.experiments.MetricKind;
import io.veltrix.experiments.Phase;
import io.veltrix.experiments.Variant;
import io.veltrix.experiments.config.StatisticsConfig;
import io.veltrix.experiments.mapping.ExperimentMapper;
import io.veltrix.experiments.mapping.PhaseView;
import io.veltrix.experiments.mapping.ResultsView;
import io.veltrix.experiments.mapping.TimeSeriesView;
import io.veltrix.experiments.repository.ParticipantRepository;
import io.veltrix.experiments.repository.ParticipantRepository.BucketValue;
import io.veltrix.experiments.repository.ParticipantRepository.Interval;
import io.veltrix.experiments.repository.ParticipantRepository.MetricQuery;
import io.veltrix.experiments.repository.ParticipantRepository.MetricSummaries;
import io.veltrix.experiments.repository.ParticipantRepository.Participants;
import io.veltrix.experiments.statistics.ResultsCalculator;
import io.veltrix.experiments.statistics.ResultsCalculator.Cuped;
import io.veltrix.experiments.statistics.ResultsCalculator.MetricInput;
import io.veltrix.experiments.statistics.Summary;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Results and time series of an experiment, for one phase: the latest by default (as GrowthBook analyses the latest
 * phase), or the one asked for. A phase's participants are the players first exposed while it was open,
 * [startedAt, endedAt), less those exposed to more than one variant. Their metrics count their events from first
 * exposure until now, or, for a closed phase, until its end: those come from the processor's single events
 * ({@code processing.processed_event}), which it keeps for a limited time; when they are no longer all there, the
 * results say so (and count until now) rather than show partial numbers. CUPED likewise needs the events of its
 * window before each first exposure. Before the first start there is no phase and every participant counts.
 */
@ApplicationScoped
public class ResultsService {

    /** Time series longer than this are refused (ask for a coarser interval). */
    public static final int MAX_BUCKETS = 24 * 93;

    private static final OffsetDateTime BEGINNING = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime END = OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    /** Events may claim a time up to an hour ahead of their arrival (ingest's rule): an open phase's bound. */
    private static final Duration FUTURE_SKEW = Duration.ofHours(2);

    private final ExperimentService experiments;
    private final ParticipantRepository participants;
    private final Duration retention;
    private final Timer resultsTimer;

    public ResultsService(ExperimentService experiments, ParticipantRepository participants, StatisticsConfig config,
                          MeterRegistry registry) {
        this.experiments = experiments;
        this.participants = participants;
        this.retention = config.eventRetention();
        this.resultsTimer = Timer.builder("veltrix.experiments.results.duration")
                .description("Time to compute an experiment's results (queries and statistics)").register(registry);
    }

    /** The analysed window of a phase (or of everything when there is none). */
    record Window(Phase phase, OffsetDateTime from, OffsetDateTime to) {
        boolean closed() {
            return phase != null && phase.endedAt != null;
        }
    }

    /** Where each metric's numbers come from, decided once per request. */
    record Plan(OffsetDateTime cutAt, Boolean cutAtPhaseEnd, Integer cupedDays, String cupedNote, OffsetDateTime horizon,
                List<String> notes) {
    }

    @WithSession
    public Uni<ResultsView> results(String key, Integer phaseNumber) {
        long started = System.nanoTime();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return experiments.load(key).flatMap(loaded -> {
            Experiment e = loaded.experiment();
            Window window = window(loaded, phaseNumber);
            AnalysisSettings settings = e.analysis();
            Plan plan = plan(window, settings, now);
            List<Metric> metrics = ExperimentService.metrics(e);
            String[] keys = e.variants.stream().map(v -> v.key).toArray(String[]::new);
            double[] weights = window.phase() == null ? e.weights() : phaseWeights(window.phase(), keys);
            return participants.participants(key, window.from(), window.to()).flatMap(counts ->
                    Multi.createFrom().iterable(metrics)
                            .onItem().transformToUniAndConcatenate(m -> participants.summaries(new MetricQuery(key, m,
                                    window.from(), window.to(), plan.cutAt(), plan.cupedDays())))
                            .collect().asList()
                            .map(summaries -> {
                                long[] observed = new long[keys.length];
                                long[] excluded = new long[keys.length];
                                long excludedTotal = 0;
                                long unknown = 0;
                                for (Map.Entry<String, Participants> c : counts.entrySet()) {
                                    excludedTotal += c.getValue().multipleVariants();
                                    int i = indexOf(keys, c.getKey());
                                    if (i < 0) {
                                        unknown += c.getValue().analysed();
                                    } else {
                                        observed[i] = c.getValue().analysed();
                                        excluded[i] = c.getValue().multipleVariants();
                                    }
                                }
                                List<MetricInput> inputs = new ArrayList<>();
                                Cuped cuped = plan.cupedDays() != null ? new Cuped(true, plan.cupedDays(), null)
                                        : settings.cupedWindowDays() == null ? Cuped.OFF
                                        : new Cuped(false, settings.cupedWindowDays(), plan.cupedNote());
                                for (int m = 0; m < metrics.size(); m++) {
                                    MetricSummaries s = summaries.get(m);
                                    List<Summary> ordered = new ArrayList<>();
                                    for (String k : keys) {
                                        ordered.add(s.byVariant().getOrDefault(k, new Summary(0, 0, 0, 0,
                                                plan.cupedDays() == null ? null : new Summary.Covariate(0, 0, 0))));
                                    }
                                    inputs.add(new MetricInput(metrics.get(m), m == 0, ordered, s.cap(), cuped));
                                }
                                double elapsedDays = window.phase() == null || window.closed() ? Double.NaN
                                        : Duration.between(window.phase().startedAt, now).toMillis() / 86_400_000.0;
                                ResultsCalculator.Results r = ResultsCalculator.calculate(
                                        new ResultsCalculator.Design(keys, weights, observed, settings, elapsedDays), inputs);
                                List<ResultsView.VariantSummary> variants = new ArrayList<>();
                                for (int i = 0; i < keys.length; i++) {
                                    Variant v = e.variants.get(i);
                                    variants.add(new ResultsView.VariantSummary(i, v.key, v.name, weights[i], observed[i],
                                            excluded[i]));
                                }
                                resultsTimer.record(Duration.ofNanos(System.nanoTime() - started));
                                ResultsView.DataWindow data = new ResultsView.DataWindow(plan.cutAt(), plan.cutAtPhaseEnd(),
                                        retention.toMillis() / 86_400_000.0, plan.horizon(), plan.notes());
                                return new ResultsView(e.key, e.name, e.status,
                                        window.phase() == null ? null : ExperimentMapper.toView(window.phase()),
                                        loaded.phases().stream().map(ExperimentMapper::toView).toList(),
                                        window.from(), window.to(), settings, variants, unknown, excludedTotal, data, r.srm(),
                                        r.metrics(), r.comparisons(), r.guardrailHarmed(), r.power(), now);
                            }));
        });
    }

    /**
     * Where the numbers come from: a closed phase's metrics stop at its end when all its events are within the
     * retention (else they count until now, and a note says so); CUPED runs when every participant's pre-exposure
     * window is within it (else a note says why not).
     */
    Plan plan(Window window, AnalysisSettings settings, OffsetDateTime now) {
        OffsetDateTime horizon = now.minus(retention);
        List<String> notes = new ArrayList<>();
        OffsetDateTime cutAt = null;
        Boolean cut = null;
        if (window.closed()) {
            if (!window.phase().startedAt.isBefore(horizon)) {
                cutAt = window.phase().endedAt;
                cut = true;
            } else {
                cut = false;
                notes.add("phase " + window.phase().number + " started before " + horizon + ", and the processor keeps single "
                        + "events for " + days(retention) + ": its metrics cannot be cut at its end (" + window.phase().endedAt
                        + ") and count participants' events until now");
            }
        }
        Integer cupedDays = null;
        String cupedNote = null;
        Integer w = settings.cupedWindowDays();
        if (w != null) {
            if (window.phase() == null) {
                cupedNote = "no phase yet";
            } else if (window.phase().startedAt.minusDays(w).isBefore(horizon)) {
                cupedNote = "CUPED needs events from " + w + " days before the phase start (" + window.phase().startedAt.minusDays(w)
                        + "), and the processor keeps single events for " + days(retention) + ": not applied";
                notes.add(cupedNote);
            } else {
                cupedDays = w;
            }
        }
        return new Plan(cutAt, cut, cupedDays, cupedNote, horizon, List.copyOf(notes));
    }

    @WithSession
    public Uni<TimeSeriesView> timeSeries(String key, Integer phaseNumber, Interval interval) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return experiments.load(key).flatMap(loaded -> {
            Experiment e = loaded.experiment();
            Window window = window(loaded, phaseNumber);
            List<String> keys = e.variants.stream().map(v -> v.key).toList();
            Metric primary = ExperimentMapper.primaryMetric(e);
            OffsetDateTime horizon = now.minus(retention);
            OffsetDateTime until = window.closed() ? window.phase().endedAt : now.plus(FUTURE_SKEW);
            boolean available = window.phase() == null || !window.phase().startedAt.isBefore(horizon);
            String note = available ? null : "phase " + window.phase().number + " started before " + horizon + ", and the "
                    + "processor keeps single events for " + days(retention) + ": the metric over time cannot be computed";
            OffsetDateTime from = window.phase() == null ? horizon : window.from();
            Uni<List<BucketValue>> metric = !available ? Uni.createFrom().item(List.of())
                    : primary.kind() == MetricKind.CONVERSION
                    ? participants.conversionsOverTime(key, primary.name(), from, window.to(), until, interval)
                    : participants.totalsOverTime(key, primary.name(), from, window.to(), until, interval);
            return participants.exposuresOverTime(key, window.from(), window.to(), interval).flatMap(exposures ->
                    metric.map(values -> new TimeSeriesView(e.key, window.phase() == null ? null : window.phase().number,
                            interval.name().toLowerCase(Locale.ROOT), primary.name(), primary.kind(), keys, available, note,
                            window.closed() ? until : null,
                            series(keys, exposures, values, primary.kind(), interval, available))));
        });
    }

    /**
     * Cumulative series: per bucket (every bucket from the first exposure to the last data point, gaps filled) and
     * variant, new participants, participants so far, and the metric so far (conversions so far / participants so
     * far, or total so far / participants so far; NaN when the metric is not available). Pure.
     */
    static List<TimeSeriesView.Point> series(List<String> keys, List<BucketValue> exposures, List<BucketValue> metric,
                                             MetricKind kind, Interval interval, boolean available) {
        TreeMap<OffsetDateTime, Map<String, long[]>> newParticipants = new TreeMap<>();
        TreeMap<OffsetDateTime, Map<String, double[]>> metricValues = new TreeMap<>();
        for (BucketValue b : exposures) {
            newParticipants.computeIfAbsent(b.bucket(), x -> new HashMap<>()).put(b.variant(), new long[] {b.count()});
        }
        for (BucketValue b : metric) {
            metricValues.computeIfAbsent(b.bucket(), x -> new HashMap<>())
                    .put(b.variant(), new double[] {kind == MetricKind.CONVERSION ? b.count() : b.value()});
        }
        List<TimeSeriesView.Point> points = new ArrayList<>();
        if (newParticipants.isEmpty()) {
            return points;
        }
        OffsetDateTime first = newParticipants.firstKey();
        OffsetDateTime last = metricValues.isEmpty() ? newParticipants.lastKey()
                : max(newParticipants.lastKey(), metricValues.lastKey());
        ChronoUnit unit = switch (interval) {
            case MINUTE -> ChronoUnit.MINUTES;
            case HOUR -> ChronoUnit.HOURS;
            case DAY -> ChronoUnit.DAYS;
        };
        if (unit.between(first, last) >= MAX_BUCKETS) {
            throw new InvalidInputException("interval", "more than " + MAX_BUCKETS + " buckets: use "
                    + (interval == Interval.MINUTE ? "interval=hour" : "interval=day"));
        }
        long[] participantsSoFar = new long[keys.size()];
        double[] metricSoFar = new double[keys.size()];
        for (OffsetDateTime t = first; !t.isAfter(last); t = t.plus(1, unit)) {
            List<TimeSeriesView.VariantPoint> variants = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                long fresh = newParticipants.getOrDefault(t, Map.of()).getOrDefault(keys.get(i), new long[1])[0];
                participantsSoFar[i] += fresh;
                metricSoFar[i] += metricValues.getOrDefault(t, Map.of()).getOrDefault(keys.get(i), new double[1])[0];
                variants.add(new TimeSeriesView.VariantPoint(keys.get(i), fresh, participantsSoFar[i],
                        participantsSoFar[i] == 0 || !available ? Double.NaN : metricSoFar[i] / participantsSoFar[i]));
            }
            points.add(new TimeSeriesView.Point(t, variants));
        }
        return points;
    }

    private static String days(Duration d) {
        long days = d.toDays();
        return days * 86_400_000L == d.toMillis() ? days + " days" : d.toString();
    }

    private static int indexOf(String[] keys, String key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private static OffsetDateTime max(OffsetDateTime a, OffsetDateTime b) {
        return a.isAfter(b) ? a : b;
    }

    private static Window window(ExperimentService.Loaded loaded, Integer phaseNumber) {
        Phase phase;
        if (phaseNumber == null) {
            phase = loaded.latestPhase();
        } else {
            phase = loaded.phases().stream().filter(p -> p.number == phaseNumber).findFirst()
                    .orElseThrow(() -> new NotFoundException("experiment '" + loaded.experiment().key + "' has no phase "
                            + phaseNumber + " (it has " + loaded.phases().size() + ")"));
        }
        if (phase == null) {
            return new Window(null, BEGINNING, END);
        }
        return new Window(phase, phase.startedAt, phase.endedAt == null ? END : phase.endedAt);
    }

    /** The phase's weights in the experiment's variant order (0 for a variant the phase did not have). */
    private static double[] phaseWeights(Phase phase, String[] keys) {
        Map<String, Double> byKey = new HashMap<>();
        for (PhaseView.Allocation a : ExperimentMapper.allocation(phase.variants)) {
            byKey.put(a.key(), a.weight());
        }
        double[] weights = new double[keys.length];
        for (int i = 0; i < keys.length; i++) {
            weights[i] = byKey.getOrDefault(keys[i], 0.0);
        }
        return weights;
    }
}
