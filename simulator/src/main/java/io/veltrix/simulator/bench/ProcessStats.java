package io.veltrix.simulator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Memory and CPU of processes, from {@code /proc} (Linux): resident set size from {@code /proc/<pid>/status}
 * (VmRSS), CPU time from {@code /proc/<pid>/stat} (utime + stime), machine-wide busy time from {@code /proc/stat}.
 */
public final class ProcessStats {
    /** Linux reports CPU time in clock ticks of 1/100 s on every common architecture (USER_HZ). */
    static final double TICKS_PER_SECOND = 100.0;

    private ProcessStats() {
    }

    /** Resident memory in MiB, or empty when the process is gone. */
    public static Optional<Double> rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return Optional.empty();
    }

    /** CPU seconds the process used so far (user + system); 0 when gone. */
    public static double cpuSeconds(long pid) {
        return statSeconds(pid, 11);
    }

    /**
     * CPU seconds of a process and all its descendants (PostgreSQL forks a process per connection): the living ones,
     * and the ones that exited and were reaped (the parent's {@code cutime}/{@code cstime}). A connection closed during
     * a phase (the processor's pool renews its connections every 30 s) would otherwise take its CPU time with it.
     */
    public static double cpuSecondsWithChildren(long pid) {
        double total = cpuSeconds(pid) + reapedChildrenCpuSeconds(pid);
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
            total += handle.get().descendants().mapToDouble(child -> cpuSeconds(child.pid())).sum();
        }
        return total;
    }

    /** CPU seconds of the children the process waited for after they exited (user + system); 0 when gone. */
    static double reapedChildrenCpuSeconds(long pid) {
        return statSeconds(pid, 13);
    }

    /**
     * Two adjacent tick counters of {@code /proc/<pid>/stat} (user and system time: {@code utime}/{@code stime} at
     * 11, {@code cutime}/{@code cstime} at 13, counted after the command name) in seconds; 0 when the process is gone.
     */
    private static double statSeconds(long pid, int userField) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may contain spaces: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[userField]) + Long.parseLong(fields[userField + 1])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU seconds the JVM's just-in-time compiler threads ({@code C1 CompilerThre…}, {@code C2 CompilerThre…}) used so
     * far; 0 when the process is gone. Compiler threads that ended took their time with them (HotSpot stops idle
     * ones), so this is a lower bound.
     */
    public static double jitCpuSeconds(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        double total = 0;
        try (var threads = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) threads::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        total += threadSeconds(Files.readString(task.resolve("stat")));
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return total;
    }

    /** The JIT compiler's share of a process's CPU between two samples (0 when the process used none). */
    public static double jitShare(double jitSeconds, double cpuSeconds) {
        return cpuSeconds <= 0 ? 0 : Math.max(0, jitSeconds) / cpuSeconds;
    }

    private static double threadSeconds(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** Machine-wide CPU seconds spent busy (all cores) and in total, from /proc/stat. */
    public static double[] machineBusyAndTotalSeconds() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new double[] {(total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[] {0, 0};
        }
    }
}
