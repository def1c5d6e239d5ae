package io.veltrix.simulator.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where the machine's CPU went during a phase: CPU seconds of each process between two samples,
 * as a share of the machine's capacity (wall time × cores), plus "others" (busy time of every other process on the
 * machine: a distorted figure shows up here).
 */
public final class CpuAccounting {

    private final Map<String, LongSupplier> processes = new LinkedHashMap<>();
    private final Map<String, Boolean> withChildren = new LinkedHashMap<>();

    /** A process to account for (alone); the pid supplier may answer -1 while it is not running. */
    public CpuAccounting track(String name, LongSupplier pid) {
        return track(name, pid, false);
    }

    /**
     * A process to account for; with its children when it forks workers (PostgreSQL: a process per connection), never
     * for a process whose children are tracked on their own (the benchmark's JVM starts the services).
     */
    public CpuAccounting track(String name, LongSupplier pid, boolean includeChildren) {
        processes.put(name, pid);
        withChildren.put(name, includeChildren);
        return this;
    }

    public Sample sample() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        processes.forEach((name, pid) -> {
            long p = pid.getAsLong();
            seconds.put(name, p <= 0 ? 0.0 : withChildren.get(name) ? ProcessStats.cpuSecondsWithChildren(p) : ProcessStats.cpuSeconds(p));
        });
        double[] machine = ProcessStats.machineBusyAndTotalSeconds();
        return new Sample(System.nanoTime(), seconds, machine[0], machine[1]);
    }

    /** CPU counters at one moment. */
    public record Sample(long nanos, Map<String, Double> cpuSeconds, double machineBusy, double machineTotal) {

        /**
         * Share of the machine's CPU capacity each process used since {@code start} (0..1; all shares and "idle" add up
         * to about 1).
         */
        /** CPU seconds one tracked process used since {@code start} (all of it when it started in between). */
        public double cpuSecondsSince(Sample start, String name) {
            double now = cpuSeconds.getOrDefault(name, 0.0);
            double before = start.cpuSeconds.getOrDefault(name, 0.0);
            return Math.max(0, now - (before > now ? 0 : before));
        }

        public Map<String, Double> sharesSince(Sample start) {
            Map<String, Double> shares = new LinkedHashMap<>();
            double capacity = machineTotal - start.machineTotal;
            if (capacity <= 0) {
                return shares;
            }
            double ours = 0;
            for (Map.Entry<String, Double> entry : cpuSeconds.entrySet()) {
                double before = start.cpuSeconds.getOrDefault(entry.getKey(), 0.0);
                // a process started during the phase has no "before": its whole CPU time counts
                double used = Math.max(0, entry.getValue() - (before > entry.getValue() ? 0 : before));
                shares.put(entry.getKey(), used / capacity);
                ours += used;
            }
            double busy = machineBusy - start.machineBusy;
            shares.put("others", Math.max(0, busy - ours) / capacity);
            shares.put("idle", Math.max(0, capacity - busy) / capacity);
            return shares;
        }
    }
}
