package io.veltrix.simulator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The machine a benchmark ran on, from {@code /proc}: what the figures mean depends on it.
 *
 * @param cores          processors available to the JVM
 * @param memoryGiB      total RAM
 * @param cpuModel       {@code /proc/cpuinfo} model name
 * @param jdk            the JDK running the benchmark and the services
 * @param os             kernel and architecture
 * @param date           when the benchmark started
 * @param loadAverage    1-minute load average before the benchmark (above ~1 on 2 cores: others are busy)
 */
public record MachineInfo(int cores, double memoryGiB, String cpuModel, String jdk, String os, String date, double loadAverage) {

    public static MachineInfo current() {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), readMemoryGiB(), readCpuModel(),
                System.getProperty("java.vm.vendor", "?") + " " + System.getProperty("java.runtime.name", "Java") + " "
                        + System.getProperty("java.runtime.version", System.getProperty("java.version")),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm zzz", Locale.ROOT)),
                currentLoadAverage());
    }

    /** The 1-minute load average, or -1 when unknown. */
    public static double currentLoadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public String describe() {
        return String.format(Locale.ROOT, "%d cores, %.1f GiB RAM, %s; %s; %s; %s; load average %.2f at start",
                cores, memoryGiB, cpuModel, jdk, os, date, loadAverage);
    }

    private static double readMemoryGiB() {
        for (String line : lines("/proc/meminfo")) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
            }
        }
        return Runtime.getRuntime().maxMemory() / 1024.0 / 1024 / 1024;
    }

    private static String readCpuModel() {
        for (String line : lines("/proc/cpuinfo")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            return List.of();
        }
    }
}
