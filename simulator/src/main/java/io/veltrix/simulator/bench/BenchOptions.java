package io.veltrix.simulator.bench;

import io.veltrix.stack.Instance;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What to measure and how hard.
 *
 * @param smoke        the short CI mode: small numbers, the same phases
 * @param instance     the stack instance (bench: its own, fresh; test: the shared test stack, for CI)
 * @param events       events through ingest, which become the processor's backlog
 * @param warmupEvents events sent first, through the same path, and not measured: ingest and the processor are
 *                     measured once their JVMs compiled the hot code (the cold figures are reported beside)
 * @param batchSize    events per request
 * @param concurrency  requests outstanding in the ingest phase
 * @param players      the simulated player pool
 * @param perfDuration how long pulsar-perf produces
 * @param e2eRate      the steady rate of the end-to-end phase, events/s
 * @param e2eDuration  how long the end-to-end phase is measured
 * @param e2eWarmup    how long the end-to-end phase's load runs at its rate before the measurement starts (the
 *                     system leaves the drain's aftermath and reaches its steady state; reported apart)
 * @param drainTimeout how long the processor may take to drain the backlog
 * @param keepStack    leave the bench stack running afterwards
 * @param profile      record the services with Java Flight Recorder and name their hottest methods
 * @param hugePages    reserve huge pages for PostgreSQL's shared buffers while a fresh stack runs, when allowed
 *                     ({@link HugePages})
 * @param projectRoot  where the services' jars and deploy/stack are
 */
public record BenchOptions(boolean smoke, Instance instance, long events, long warmupEvents, int batchSize, int concurrency, int players,
                           Duration perfDuration, double e2eRate, Duration e2eDuration, Duration e2eWarmup,
                           Duration drainTimeout,
                           boolean keepStack, boolean profile, boolean hugePages, Path projectRoot) {
}
