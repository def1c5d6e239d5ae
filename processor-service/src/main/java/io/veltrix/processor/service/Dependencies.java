package io.veltrix.processor.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.veltrix.processor.config.ProcessorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the processor depends on, whether each is usable now, and the one retry policy for all of them.
 *
 * <p>A call to a dependency goes through {@link #retrying}: a failure that is not an event's own ({@link Failures})
 * marks the dependency unavailable (readiness DOWN, gauge {@code veltrix.processor.dependency.available} 0, one
 * problem line per interval with the count), and the call is tried again with exponential backoff
 * ({@code veltrix.processor.retry.*}) until it succeeds, which marks the dependency available again, or until the
 * processor stops. The batch waits meanwhile: nothing is acknowledged, nothing is dead-lettered.
 */
@Startup
@ApplicationScoped
public class Dependencies {

    /** A server or contract the processor cannot count without. */
    public enum Dependency {
        /** PostgreSQL: the dedupe records and the aggregates. */
        DATABASE,
        /** Apicurio Registry: the schemas the messages were written with. */
        REGISTRY,
        /** Pulsar: events.rejected (and acknowledgements). */
        BROKER,
        /** The experiment definitions (read contract experiments.experiment_variant). */
        EXPERIMENTS;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A dependency found unusable: since when, why. */
    public record Outage(Instant since, String cause) {
    }

    private final Map<Dependency, Guard> guards = new EnumMap<>(Dependency.class);
    private final Map<Dependency, Outage> outages = new EnumMap<>(Dependency.class);
    private final ProblemLog problems;
    private final ProcessorMetrics metrics;
    private volatile boolean stopping;

    public Dependencies(ProcessorConfig config, ProblemLog problems, ProcessorMetrics metrics, MeterRegistry registry) {
        this.problems = problems;
        this.metrics = metrics;
        Duration first = config.retry().firstBackoff();
        Duration max = config.retry().maxBackoff();
        for (Dependency dependency : Dependency.values()) {
            guards.put(dependency, Guard.create()
                    .withDescription("veltrix-processor-" + dependency.tag())
                    .withRetry()
                        .maxRetries(-1)
                        .maxDuration(3650, ChronoUnit.DAYS)
                        .delay(first.toMillis(), ChronoUnit.MILLIS)
                        .jitter(first.toMillis() / 4, ChronoUnit.MILLIS)
                        .withExponentialBackoff().factor(2).maxDelay(max.toMillis(), ChronoUnit.MILLIS).done()
                        .whenException(failure -> !stopping && Failures.isTransient(failure))
                        .beforeRetry(failure -> unavailable(dependency, failure))
                    .done()
                    .build());
            Gauge.builder("veltrix.processor.dependency.available", this, d -> d.outage(dependency).isPresent() ? 0 : 1)
                    .tag("dependency", dependency.tag())
                    .description("1 while the processor can use the dependency, 0 while it waits for it (nothing is "
                            + "acknowledged meanwhile)")
                    .register(registry);
        }
    }

    /**
     * Calls {@code action} (a lazy {@link Uni}, subscribed anew on every attempt) until it succeeds or fails with an
     * event's own error ({@link Failures#isDataError}), or the processor stops.
     */
    public <T> Uni<T> retrying(Dependency dependency, Supplier<Uni<T>> action) {
        Uni<T> guarded = guards.get(dependency).get(() -> Uni.createFrom().deferred(action::get),
                new TypeLiteral<Uni<T>>() { });
        return guarded.invoke(() -> available(dependency));
    }

    /** The dependency failed: the processor waits for it. */
    public void unavailable(Dependency dependency, Throwable failure) {
        String cause = Failures.describe(failure);
        synchronized (outages) {
            Outage known = outages.get(dependency);
            outages.put(dependency, new Outage(known == null ? Instant.now() : known.since(), cause));
        }
        metrics.retry(dependency.tag() + "_unavailable");
        problems.report(dependency.tag() + "_unavailable", cause);
    }

    /** The dependency answered: usable again. */
    public void available(Dependency dependency) {
        if (outage(dependency).isPresent()) {
            synchronized (outages) {
                Outage gone = outages.remove(dependency);
                if (gone != null) {
                    problems.resolved(dependency.tag() + "_unavailable",
                            "available again after " + Duration.between(gone.since(), Instant.now()).toSeconds() + " s");
                }
            }
        }
    }

    public Optional<Outage> outage(Dependency dependency) {
        synchronized (outages) {
            return Optional.ofNullable(outages.get(dependency));
        }
    }

    public Map<Dependency, Outage> outages() {
        synchronized (outages) {
            return Map.copyOf(outages);
        }
    }

    /** From now on no call is retried: the processor stops, what is unfinished stays unacknowledged. */
    public void stop() {
        stopping = true;
    }

    public boolean stopping() {
        return stopping;
    }
}
