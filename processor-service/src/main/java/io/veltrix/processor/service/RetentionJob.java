package io.veltrix.processor.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.veltrix.processor.ExperimentDefinitions;
import io.veltrix.processor.config.ProcessorConfig;
import io.veltrix.processor.repository.EventLogRepository;
import io.veltrix.processor.repository.RetentionRepository;
import io.veltrix.processor.repository.RetentionRepository.Partition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps storage bounded: every {@code veltrix.processor.retention.interval} (and at start, and at once when a batch
 * found no partition for an event), one processor instance at a time (an advisory lock):
 * <ul>
 *   <li>creates the partitions of {@code processing.processed_event} that cover from {@code retention.events} ago to
 *       a little beyond the latest time an event may claim (the future clock skew), each
 *       {@code retention.partition-width} wide;</li>
 *   <li>drops the partitions that end more than {@code retention.events} ago (the decoder refuses events that old
 *       as {@code beyond_retention} before that, with a margin, so no copy of a dropped event can be counted again);</li>
 *   <li>deletes traffic minutes older than {@code retention.traffic}, and the participants and metrics of experiments
 *       archived more than {@code retention.archived-experiments} ago.</li>
 * </ul>
 * The partition changes take short table locks ({@code lock_timeout} 5 s): if the batches keep the table busy, the job
 * gives up and tries again next time; it never holds them up longer than that.
 */
@ApplicationScoped
public class RetentionJob {

    private static final long LOCK_TIMEOUT_MILLIS = 5_000;
    /** Most partitions created in one run (a long outage with narrow partitions catches up over several runs). */
    private static final int MAX_CREATED_PER_RUN = 500;

    private final RetentionRepository repository;
    private final ExperimentCatalog experiments;
    private final ProblemLog problems;
    private final Contexts contexts;
    private final ProcessorConfig.Retention config;
    private final long widthMillis;
    private final long aheadMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Counter dropped;
    private volatile List<Partition> known = List.of();

    public RetentionJob(RetentionRepository repository, ExperimentCatalog experiments, ProblemLog problems, Contexts contexts,
                        ProcessorConfig config, MeterRegistry registry) {
        this.repository = repository;
        this.experiments = experiments;
        this.problems = problems;
        this.contexts = contexts;
        this.config = config.retention();
        this.widthMillis = this.config.partitionWidth().toMillis();
        // (a width under a second is refused with the configuration, ProcessorConfig's constraints)
        if (this.config.events().toMillis() / widthMillis > 10_000) {
            throw new IllegalArgumentException("veltrix.processor.retention.events must span at most 10,000 partitions of "
                    + "retention.partition-width");
        }
        // an event may claim up to max-future-skew after its arrival, which may itself be that much ahead of our clock
        this.aheadMillis = config.validation().maxFutureSkew().multipliedBy(2).plus(this.config.interval().multipliedBy(2))
                .toMillis() + widthMillis;
        if (this.config.events().compareTo(config.validation().maxEventAge().plus(this.config.dedupeTolerance())) < 0) {
            Log.warnf("veltrix.processor.retention.events (%s) is shorter than validation.max-event-age (%s) plus the dedupe "
                    + "tolerance: events ingest accepts may be refused as beyond_retention", this.config.events(),
                    config.validation().maxEventAge());
        }
        this.dropped = Counter.builder("veltrix.processor.retention.partitions.dropped")
                .description("Partitions of processing.processed_event dropped by the retention job").register(registry);
        Gauge.builder("veltrix.processor.retention.partitions", this, j -> j.known.size())
                .description("Partitions of processing.processed_event (last seen by the retention job)").register(registry);
        Gauge.builder("veltrix.processor.retention.oldest", this, j -> j.known.isEmpty() ? Double.NaN
                        : (System.currentTimeMillis() - j.known.get(0).from()) / 1000.0)
                .baseUnit("seconds").description("Age of the start of the oldest partition of processing.processed_event")
                .register(registry);
    }

    void atStart(@Observes StartupEvent start) {
        runSoon();
    }

    @Scheduled(every = "${veltrix.processor.retention.interval}", delayed = "${veltrix.processor.retention.interval}")
    void scheduled() {
        runSoon();
    }

    /** Runs the job now unless it runs already; failures are reported and the next run tries again. */
    public void runSoon() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        run().onTermination().invoke(() -> running.set(false)).subscribe().with(
                done -> { },
                failure -> problems.report("retention_failed", Failures.describe(failure)));
    }

    /** One run; the {@link Uni} fails when a step failed (the steps before it stay done). */
    public Uni<Void> run() {
        Instant now = Instant.now();
        return contexts.onVertxContext(() -> Panache.withTransaction(() -> repository.tryLock(LOCK_TIMEOUT_MILLIS)
                        .flatMap(locked -> locked ? partitions(now) : Uni.createFrom().voidItem())))
                .flatMap(x -> contexts.onVertxContext(() -> Panache.withTransaction(() -> repository.tryLock(LOCK_TIMEOUT_MILLIS)
                        .flatMap(locked -> locked ? aggregates(now) : Uni.createFrom().voidItem()))));
    }

    private Uni<Void> partitions(Instant now) {
        long oldest = now.minus(config.events()).toEpochMilli();
        long coverFrom = align(oldest);
        long coverTo = now.toEpochMilli() + aheadMillis;
        return repository.partitions().flatMap(existing -> {
            List<Partition> drop = new ArrayList<>();
            List<Partition> keep = new ArrayList<>();
            for (Partition p : existing) {
                (p.to() <= oldest ? drop : keep).add(p);
            }
            List<long[]> create = missing(keep, coverFrom, coverTo, widthMillis, MAX_CREATED_PER_RUN);
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Partition p : drop) {
                chain = chain.flatMap(x -> repository.drop(p));
            }
            List<Partition> created = new ArrayList<>();
            for (long[] range : create) {
                chain = chain.flatMap(x -> repository.create(range[0], range[1]).invoke(created::add).replaceWithVoid());
            }
            return chain.invoke(() -> {
                List<Partition> now2 = new ArrayList<>(keep);
                now2.addAll(created);
                now2.sort((a, b) -> Long.compare(a.from(), b.from()));
                known = List.copyOf(now2);
                dropped.increment(drop.size());
                if (!drop.isEmpty() || !created.isEmpty()) {
                    Log.debugf("retention: dropped %d partition(s) of processed_event, created %d", drop.size(), created.size());
                }
            });
        });
    }

    /**
     * The ranges [from, to) between coverFrom and coverTo that no partition holds: each ends at the next multiple of
     * {@code width} (from the epoch) or where an existing partition starts, whichever comes first; at most {@code max}.
     */
    static List<long[]> missing(List<Partition> existing, long coverFrom, long coverTo, long width, int max) {
        List<long[]> ranges = new ArrayList<>();
        long t = coverFrom;
        while (t < coverTo && ranges.size() < max) {
            Partition holding = null;
            Partition next = null;
            for (Partition p : existing) {
                if (p.from() <= t && t < p.to()) {
                    holding = p;
                    break;
                }
                if (p.from() > t && (next == null || p.from() < next.from())) {
                    next = p;
                }
            }
            if (holding != null) {
                t = holding.to();
                continue;
            }
            long end = t - Math.floorMod(t, width) + width;
            if (next != null && next.from() < end) {
                end = next.from();
            }
            ranges.add(new long[] {t, end});
            t = end;
        }
        return ranges;
    }

    private long align(long millis) {
        return millis - Math.floorMod(millis, widthMillis);
    }

    private Uni<Void> aggregates(Instant now) {
        Uni<Integer> traffic = repository.deleteTrafficBefore(now.minus(config.traffic()));
        ExperimentDefinitions definitions = experiments.cached().orElse(null);
        if (definitions == null || definitions.contractMissing()) {
            return traffic.replaceWithVoid();
        }
        List<String> archived = definitions.experiments().values().stream()
                .filter(e -> "archived".equals(e.status())).map(ExperimentDefinitions.Experiment::key).sorted().toList();
        return traffic.flatMap(x -> repository.expireArchived(archived, now.minus(config.archivedExperiments()))).invoke(n -> {
            if (n > 0) {
                Log.infof("retention: deleted %d participants of experiments archived more than %s ago", n,
                        config.archivedExperiments());
            }
        }).replaceWithVoid();
    }

    /** The partitions as last seen (oldest first). */
    public List<Partition> partitionsSeen() {
        return known;
    }

    /**
     * Whether a copy of an event at {@code millis} could lie in another partition than its own: the time is within
     * {@code tolerance} of the bounds of the partition that holds it, or no known partition holds it (before the job
     * ran, or beyond what it created): then the event log looks for the copy there too.
     */
    public boolean nearBoundary(long millis, long tolerance) {
        return elsewhere(millis, tolerance) != null;
    }

    /**
     * Where, outside the partition that holds it, a copy of an event at {@code millis} could lie: the parts of
     * [millis - tolerance, millis + tolerance] before and after that partition; null when there are none (the event is
     * not near a boundary). No known partition holds the time: the whole window.
     */
    public EventLogRepository.Elsewhere elsewhere(long millis, long tolerance) {
        return elsewhere(known, millis, tolerance);
    }

    static EventLogRepository.Elsewhere elsewhere(List<Partition> partitions, long millis, long tolerance) {
        int low = 0;
        int high = partitions.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            Partition p = partitions.get(mid);
            if (millis < p.from()) {
                high = mid - 1;
            } else if (millis >= p.to()) {
                low = mid + 1;
            } else {
                boolean before = millis - p.from() < tolerance;
                boolean after = p.to() - millis <= tolerance;
                if (!before && !after) {
                    return null;
                }
                return new EventLogRepository.Elsewhere(before ? millis - tolerance : null, before ? p.from() : null,
                        after ? p.to() : null, after ? millis + tolerance : null);
            }
        }
        return new EventLogRepository.Elsewhere(millis - tolerance, millis + tolerance + 1, null, null);
    }

    Duration width() {
        return Duration.ofMillis(widthMillis);
    }
}
