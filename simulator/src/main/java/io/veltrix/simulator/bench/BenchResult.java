package io.veltrix.simulator.bench;

import java.util.List;
import java.util.Map;

/**
 * Every figure of one benchmark run. A phase that could not be measured is null, and the notes say why.
 *
 * @param machine   where it ran
 * @param mode      "full" or "smoke"
 * @param instance  the stack instance measured against
 * @param raw       raw Pulsar produce rate (pulsar-perf)
 * @param ingest    ingest into Pulsar at saturation
 * @param processor the processor draining the backlog ingest left
 * @param endToEnd  latency from ingest's answer to visible through experiments-service, at a steady rate
 * @param memory    resident memory of each process during the end-to-end phase
 * @param cpu       per phase, each process's share of the machine's CPU capacity
 * @param notes     what went wrong or needs saying
 */
public record BenchResult(MachineInfo machine, String mode, String instance, Raw raw, Ingest ingest, Processor processor,
                          EndToEnd endToEnd, Map<String, Memory> memory, Map<String, Map<String, Double>> cpu,
                          List<String> notes) {

    /** pulsar-perf produce with messages the size of an average realistic event. */
    public record Raw(int messageBytes, long seconds, double messagesPerSecond, double megabitsPerSecond, double p50Millis,
                      double p99Millis, double clientCpuMicrosPerMessage, double clientJitMicrosPerMessage) {
    }

    /**
     * Events through ingest's /v1/batch into Pulsar, closed loop, measured after {@code warmupEvents} sent the same way
     * (0: none); the warm-up's own rate and CPU per event are the cold JVM's figures (NaN without a warm-up).
     */
    public record Ingest(long events, int batchSize, int concurrency, double seconds, double eventsPerSecond,
                         double p50Millis, double p99Millis, long rejected, long notPersisted, double cpuMicrosPerEvent,
                         long warmupEvents, double warmupEventsPerSecond, double warmupCpuMicrosPerEvent,
                         double jitMicrosPerEvent) {
    }

    /**
     * The processor draining the backlog. Measured: the {@code events} after the first {@code warmupEvents} of the
     * backlog (the window opens when the backlog is down to the measured part and closes when it is empty; the events in
     * it are the processor's own count); CPU per event of the processor, PostgreSQL and Pulsar over that window. Cold:
     * the whole drain, from the first acknowledgement (JIT compilation included; {@code jit*Seconds} are the compiler
     * threads' CPU in the whole drain and in the window). Bytes PostgreSQL keeps per counted event afterwards (NaN when
     * not measured).
     */
    public record Processor(long events, double startupSeconds, double drainSeconds, double eventsPerSecond, boolean drained,
                            double processorCpuMicros, double postgresCpuMicros, double pulsarCpuMicros,
                            double postgresBytesPerEvent, double eventLogBytesPerEvent, long warmupEvents,
                            double coldEventsPerSecond, double coldProcessorCpuMicros, double jitColdSeconds,
                            double jitMeasuredSeconds) {
    }

    /** The steady-rate phase. */
    public record EndToEnd(double targetRate, double offeredRate, double acceptedRate, double seconds, long probes,
                           long lostProbes, double p50Millis, double p99Millis, double maxMillis, double requestP50Millis,
                           double requestP99Millis, long skippedEvents, long backlogAtEnd, double warmupSeconds) {
    }

    /** Resident set size samples (once a second). */
    public record Memory(double peakMiB, double meanMiB) {
    }
}
