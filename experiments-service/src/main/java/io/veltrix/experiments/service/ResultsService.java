package io.veltrix.experiments.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.Experiment;
import io.veltrix.experiments.Metric;
import io.veltrix.experiments.MetricKind;
import io.veltrix.experiments.Phase;
import io.veltrix.experiments.Variant;
import io.veltrix.experiments.mapping.ExperimentMapper;
import io.veltrix.experiments.mapping.PhaseView;
import io.veltrix.experiments.mapping.ResultsView;
import io.veltrix.experiments.mapping.TimeSeriesView;
import io.veltrix.experiments.repository.ParticipantRepository;
import io.veltrix.experiments.repository.ParticipantRepository.BucketValue;
import io.veltrix.experiments.repository.ParticipantRepository.Interval;
import io.veltrix.experiments.service.ResultsCalculator.MetricInput;
import io.veltrix.experiments.service.ResultsCalculator.Summary;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Results and time series of an experiment, for one phase: the latest by default (as GrowthBook analyses the latest
 * phase), or the one asked for. A phase's participants are the players first exposed while it was open,
 * [startedAt, endedAt); their metrics count all their events from first exposure on (the processor's
 * aggregates are not cut at the phase end). Before the first start there is no phase and every participant counts.
 */
@ApplicationScoped
public class ResultsService {

    /** Time series longer than this are refused (ask for a coarser interval). */
    public static final int MAX_BUCKETS = 24 * 93;

    private static final OffsetDateTime BEGINNING = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime END = OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private final ExperimentService experiments;
    private final ParticipantRepository participants;
    private final Timer resultsTimer;

    public ResultsService(ExperimentService experiments, ParticipantRepository participants, MeterRegistry registry) {
        this.experiments = experiments;
        this.participants = participants;
        this.resultsTimer = Timer.builder("veltrix.experiments.results.duration")
                .description("Time to compute an experiment's results (queries and statistics)").register(registry);
    }

    /** The analysed window of a phase (or of everything when there is none). */
    record Window(Phase phase, OffsetDateTime from, OffsetDateTime to) {
    }

    @WithSession
    public Uni<ResultsView> results(String key, Integer phaseNumber) {
        long started = System.nanoTime();
        return experiments.load(key).flatMap(loaded -> {
            Experiment e = loaded.experiment();
            Window window = window(loaded, phaseNumber);
            List<Metric> metrics = ExperimentService.metrics(e);
            String[] keys = e.variants.stream().map(v -> v.key).toArray(String[]::new);
            double[] weights = window.phase() == null ? e.weights() : phaseWeights(window.phase(), keys);
            return participants.participants(key, window.from(), window.to()).flatMap(counts ->
                    Multi.createFrom().iterable(metrics)
                            .onItem().transformToUniAndConcatenate(m -> participants.summaries(key, m.name(), window.from(), window.to()))
                            .collect().asList()
                            .map(summaries -> {
                                long[] observed = new long[keys.length];
                                long known = 0;
                                for (int i = 0; i < keys.length; i++) {
                                    observed[i] = counts.getOrDefault(keys[i], 0L);
                                    known += observed[i];
                                }
                                long unknown = counts.values().stream().mapToLong(Long::longValue).sum() - known;
                                List<MetricInput> inputs = new ArrayList<>();
                                for (int m = 0; m < metrics.size(); m++) {
                                    Map<String, Summary> byVariant = summaries.get(m);
                                    List<Summary> ordered = new ArrayList<>();
                                    for (String k : keys) {
                                        ordered.add(byVariant.getOrDefault(k, new Summary(0, 0, 0, 0)));
                                    }
                                    inputs.add(new MetricInput(metrics.get(m).name(), metrics.get(m).kind(), m == 0, ordered));
                                }
                                ResultsCalculator.Results r = ResultsCalculator.calculate(keys, weights, observed, inputs);
                                List<ResultsView.VariantSummary> variants = new ArrayList<>();
                                for (int i = 0; i < keys.length; i++) {
                                    Variant v = e.variants.get(i);
                                    variants.add(new ResultsView.VariantSummary(i, v.key, v.name, weights[i], observed[i]));
                                }
                                resultsTimer.record(Duration.ofNanos(System.nanoTime() - started));
                                return new ResultsView(e.key, e.name, e.status,
                                        window.phase() == null ? null : ExperimentMapper.toView(window.phase()),
                                        loaded.phases().stream().map(ExperimentMapper::toView).toList(),
                                        window.from(), window.to(), variants, unknown, r.srm(), r.metrics(), r.comparisons(),
                                        OffsetDateTime.now(ZoneOffset.UTC));
                            }));
        });
    }

    @WithSession
    public Uni<TimeSeriesView> timeSeries(String key, Integer phaseNumber, Interval interval) {
        return experiments.load(key).flatMap(loaded -> {
            Experiment e = loaded.experiment();
            Window window = window(loaded, phaseNumber);
            List<String> keys = e.variants.stream().map(v -> v.key).toList();
            Metric primary = new Metric(e.primaryMetric, e.primaryMetricKind);
            return participants.exposuresOverTime(key, window.from(), window.to(), interval).flatMap(exposures ->
                    (primary.kind() == MetricKind.CONVERSION
                            ? participants.conversionsOverTime(key, primary.name(), window.from(), window.to(), interval)
                            : participants.totalsOverTime(key, primary.name(), window.from(), window.to(), interval))
                            .map(metric -> new TimeSeriesView(e.key, window.phase() == null ? null : window.phase().number,
                                    interval.name().toLowerCase(java.util.Locale.ROOT), primary.name(), primary.kind(), keys,
                                    series(keys, exposures, metric, primary.kind(), interval))));
        });
    }

    /**
     * Cumulative series: per bucket (every bucket from the first exposure to the last data point, gaps filled) and
     * variant, new participants, participants so far, and the metric so far (conversions so far / participants so
     * far, or total so far / participants so far). Pure.
     */
    static List<TimeSeriesView.Point> series(List<String> keys, List<BucketValue> exposures, List<BucketValue> metric,
                                             MetricKind kind, Interval interval) {
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
        ChronoUnit unit = interval == Interval.HOUR ? ChronoUnit.HOURS : ChronoUnit.DAYS;
        if (unit.between(first, last) >= MAX_BUCKETS) {
            throw new InvalidInputException("interval", "more than " + MAX_BUCKETS + " buckets: use interval=day");
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
                        participantsSoFar[i] == 0 ? Double.NaN : metricSoFar[i] / participantsSoFar[i]));
            }
            points.add(new TimeSeriesView.Point(t, variants));
        }
        return points;
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
