package io.veltrix.processor.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.veltrix.processor.ExperimentDefinitions;
import io.veltrix.processor.config.ProcessorConfig;
import io.veltrix.processor.repository.ExperimentDefinitionRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The experiment definitions, cached: re-read every {@code veltrix.processor.experiments.refresh-interval} and,
 * rate-limited, when an exposure names something the cache does not know. The processor never asks
 * experiments-service per event and keeps working with the last definitions it read while experiments-service
 * (or its schema) is away. Blocking methods: call them from worker threads.
 */
@ApplicationScoped
public class ExperimentCatalog {

    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(10);

    private final ExperimentDefinitionRepository repository;
    private final ProcessorConfig.Experiments config;
    private final ProblemLog problems;
    private final Object refreshing = new Object();
    private volatile ExperimentDefinitions current;
    private long lastRead;

    public ExperimentCatalog(ExperimentDefinitionRepository repository, ProcessorConfig config, ProblemLog problems,
                             MeterRegistry registry) {
        this.repository = repository;
        this.config = config.experiments();
        this.problems = problems;
        this.lastRead = System.nanoTime() - this.config.missRefreshInterval().toNanos();
        Gauge.builder("veltrix.processor.experiments.known", this, c -> c.current == null ? Double.NaN : c.current.experiments().size())
                .description("Experiments in the processor's cache of definitions").register(registry);
        Gauge.builder("veltrix.processor.experiments.age", this, c -> c.current == null ? Double.NaN
                        : Duration.between(c.current.loadedAt(), Instant.now()).toMillis() / 1000.0)
                .baseUnit("seconds").description("Age of the processor's cache of experiment definitions").register(registry);
    }

    void load(@Observes StartupEvent start) {
        try {
            refresh();
        } catch (RuntimeException e) {
            problems.report("experiments_unreadable", e.toString());
        }
    }

    @Scheduled(every = "${veltrix.processor.experiments.refresh-interval:PT5S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            problems.report("experiments_unreadable", e.toString());
        }
    }

    /** The definitions in the cache, reading them first if they never were. */
    public ExperimentDefinitions current() {
        ExperimentDefinitions known = current;
        return known != null ? known : refresh();
    }

    /** The last definitions read, if any (never blocks). */
    public Optional<ExperimentDefinitions> cached() {
        return Optional.ofNullable(current);
    }

    /**
     * Definitions read at or after {@code since} (the moment the exposure reached Pulsar): an exposure refused on
     * them was refused on what existed when it was sent, never on an older copy that predates a new experiment.
     * Re-reads them when the cached ones are older, at most once per {@code miss-refresh-interval} (a flood of
     * exposures to a deleted experiment must not flood the database: it waits for its turn instead).
     *
     * @throws RuntimeException when they cannot be read (the caller retries later rather than refuse an exposure
     *                          on stale knowledge)
     */
    public ExperimentDefinitions readSince(Instant since) {
        synchronized (refreshing) {
            ExperimentDefinitions known = current;
            if (known != null && !known.loadedAt().isBefore(since)) {
                return known;
            }
            long wait = lastRead + config.missRefreshInterval().toNanos() - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting to read the experiment definitions", e);
                }
            }
            return refresh();
        }
    }

    /** Reads the definitions now. */
    public ExperimentDefinitions refresh() {
        synchronized (refreshing) {
            lastRead = System.nanoTime();
            ExperimentDefinitions loaded = repository.load().await().atMost(LOAD_TIMEOUT);
            current = loaded;
            return loaded;
        }
    }

    /** Definitions the health check reports as usable: read, and not older than {@code stale-after}. */
    public boolean fresh() {
        ExperimentDefinitions known = current;
        return known != null && known.loadedAt().isAfter(Instant.now().minus(config.staleAfter()));
    }
}
