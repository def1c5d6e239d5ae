package io.veltrix.processor.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.veltrix.processor.ExperimentDefinitions;
import io.veltrix.processor.config.ProcessorConfig;
import io.veltrix.processor.repository.ExperimentDefinitionRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The experiment definitions, cached: re-read every {@code veltrix.processor.experiments.refresh-interval} and,
 * rate-limited, when an exposure names something the cache does not know. The processor never asks
 * experiments-service per event and keeps working with the last definitions it read while experiments-service
 * (or its schema) is away.
 */
@ApplicationScoped
public class ExperimentCatalog {

    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(10);

    private final ExperimentDefinitionRepository repository;
    private final ProcessorConfig.Experiments config;
    private final ProblemLog problems;
    private final Contexts contexts;
    private volatile ExperimentDefinitions current;
    private volatile long lastRead;

    public ExperimentCatalog(ExperimentDefinitionRepository repository, ProcessorConfig config, ProblemLog problems, Contexts contexts,
                             MeterRegistry registry) {
        this.repository = repository;
        this.config = config.experiments();
        this.problems = problems;
        this.contexts = contexts;
        this.lastRead = System.nanoTime() - this.config.missRefreshInterval().toNanos();
        Gauge.builder("veltrix.processor.experiments.known", this, c -> c.current == null ? Double.NaN : c.current.experiments().size())
                .description("Experiments in the processor's cache of definitions").register(registry);
        Gauge.builder("veltrix.processor.experiments.age", this, c -> c.current == null ? Double.NaN
                        : Duration.between(c.current.loadedAt(), Instant.now()).toMillis() / 1000.0)
                .baseUnit("seconds").description("Age of the processor's cache of experiment definitions").register(registry);
    }

    void load(@Observes StartupEvent start) {
        scheduledRefresh();
    }

    @Scheduled(every = "${veltrix.processor.experiments.refresh-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRefresh() {
        refresh().subscribe().with(loaded -> { }, failure -> problems.report("experiments_unreadable", Failures.describe(failure)));
    }

    /** The definitions in the cache, reading them first if they never were. */
    public Uni<ExperimentDefinitions> current() {
        ExperimentDefinitions known = current;
        return known != null ? Uni.createFrom().item(known) : refresh();
    }

    /** The last definitions read, if any (never blocks). */
    public Optional<ExperimentDefinitions> cached() {
        return Optional.ofNullable(current);
    }

    /**
     * Definitions read at or after {@code since} (the moment the exposure reached Pulsar): an exposure refused on
     * them was refused on what existed when it was sent, never on an older copy that predates a new experiment.
     * Re-reads them when the cached ones are older, at most once per {@code miss-refresh-interval} (a flood of
     * exposures to a deleted experiment must not flood the database: it waits for its turn instead). Fails when
     * they cannot be read: the caller retries rather than refuse an exposure on stale knowledge.
     */
    public Uni<ExperimentDefinitions> readSince(Instant since) {
        ExperimentDefinitions known = current;
        if (known != null && !known.loadedAt().isBefore(since)) {
            return Uni.createFrom().item(known);
        }
        long wait = lastRead + config.missRefreshInterval().toNanos() - System.nanoTime();
        Uni<ExperimentDefinitions> read = Uni.createFrom().deferred(this::refresh);
        return wait > 0 ? Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofNanos(wait)).replaceWith(read) : read;
    }

    /** Reads the definitions now. */
    public Uni<ExperimentDefinitions> refresh() {
        return contexts.onVertxContext(() -> {
            lastRead = System.nanoTime();
            return repository.load();
        }).ifNoItem().after(LOAD_TIMEOUT).fail().invoke(loaded -> current = loaded);
    }

    /** Definitions the health check reports as usable: read, and not older than {@code stale-after}. */
    public boolean fresh() {
        ExperimentDefinitions known = current;
        return known != null && known.loadedAt().isAfter(Instant.now().minus(config.staleAfter()));
    }
}
