package io.veltrix.simulator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Pulsar's own load generator, {@code bin/pulsar-perf produce} from the distribution the stack fetched: the
 * physical reference for what the broker on this machine can take, with messages of a given size.
 */
public final class PulsarPerf {

    private static final Pattern INTERVAL = Pattern.compile("Publish throughput: ([0-9.]+) msg/s --- ([0-9.]+) Mbit/s");
    private static final Pattern TOTAL = Pattern.compile("Aggregated throughput stats --- ([0-9]+) records sent");
    private static final Pattern LATENCY = Pattern.compile("Aggregated latency stats --- Latency: mean: +([0-9.]+) ms - med: +([0-9.]+) "
            + "- 95pct: +([0-9.]+) - 99pct: +([0-9.]+)");

    /**
     * @param messagesPerSecond the mean of the 1-second intervals after the first (warm-up)
     * @param megabitsPerSecond the same in Mbit/s
     * @param records           messages acknowledged in the run
     * @param p50Millis         publish latency (at saturation, so mostly queueing)
     * @param p99Millis         publish latency
     * @param cpuSeconds        CPU time pulsar-perf itself used (its JVM)
     * @param jitCpuSeconds     of that, its JIT compiler threads' (a 30-second run is a cold JVM)
     */
    public record Result(double messagesPerSecond, double megabitsPerSecond, long records, double p50Millis, double p99Millis,
                         double cpuSeconds, double jitCpuSeconds) {
        Result withCpu(double seconds, double jitSeconds) {
            return new Result(messagesPerSecond, megabitsPerSecond, records, p50Millis, p99Millis, seconds, jitSeconds);
        }
    }

    /** The distribution folder ({@code <veltrix.home>/dist/pulsar-<version>}) with bin/pulsar-perf. */
    public static Path findDistribution(Path veltrixHome) {
        Path dist = veltrixHome.resolve("dist");
        try (Stream<Path> dirs = Files.list(dist)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("pulsar-"))
                    .filter(d -> Files.isExecutable(d.resolve("bin/pulsar-perf")))
                    .sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("no Pulsar distribution with bin/pulsar-perf in " + dist));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dist + ": " + e.getMessage(), e);
        }
    }

    /** Publishes as fast as the broker takes for {@code duration}, then parses pulsar-perf's statistics. */
    public static Result produce(Path distribution, String serviceUrl, String adminUrl, String token, String topic,
                                 int messageBytes, Duration duration, Path logFile) {
        Path tokenFile;
        try {
            // by file, not on the command line (which every local user can read); createTempFile makes it rw-------
            tokenFile = Files.createTempFile("pulsar-perf", ".token");
            Files.writeString(tokenFile, token);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write pulsar-perf's token file: " + e.getMessage(), e);
        }
        try {
            return produce(distribution, serviceUrl, adminUrl, tokenFile, topic, messageBytes, duration, logFile);
        } finally {
            try {
                Files.deleteIfExists(tokenFile);
            } catch (IOException e) {
                // a temporary file left behind, owner-readable only
            }
        }
    }

    private static Result produce(Path distribution, String serviceUrl, String adminUrl, Path tokenFile, String topic,
                                  int messageBytes, Duration duration, Path logFile) {
        List<String> command = List.of(distribution.resolve("bin/pulsar-perf").toString(), "produce",
                "-u", serviceUrl, "-au", adminUrl,
                // the superuser: pulsar-perf creates its topic through the admin API
                "--auth-plugin", "org.apache.pulsar.client.impl.auth.AuthenticationToken",
                "--auth-params", tokenFile.toUri().toString(),
                "-r", "10000000",                 // no rate limit: as fast as the broker acknowledges
                "-s", Integer.toString(Math.max(1, messageBytes)),
                "-time", Long.toString(Math.max(1, duration.toSeconds())),
                "-mk", "random",                  // keyed messages, as ingest publishes them (key = player id)
                "-i", "1",
                topic);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("PULSAR_LOG_DIR", logFile.getParent().toString());
        builder.environment().put("PULSAR_EXTRA_OPTS", "-Xmx1g");
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration.toSeconds() + 120);
            double cpu = 0;
            double jit = 0;
            // the script execs the JVM: read its CPU time while it lives (gone from /proc once it exits)
            while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
                cpu = ProcessStats.cpuSeconds(process.pid());
                jit = Math.max(jit, ProcessStats.jitCpuSeconds(process.pid()));
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("pulsar-perf did not finish: see " + logFile);
                }
            }
            double cpuSeconds = cpu;
            double jitSeconds = jit;
            return parse(Files.readAllLines(logFile), duration).map(r -> r.withCpu(cpuSeconds, jitSeconds))
                    .orElseThrow(() -> new IllegalStateException("pulsar-perf printed no throughput (exit code "
                            + process.exitValue() + "): see " + logFile));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run pulsar-perf: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static Optional<Result> parse(List<String> lines, Duration duration) {
        List<double[]> intervals = new ArrayList<>();
        long records = -1;
        double p50 = 0;
        double p99 = 0;
        for (String line : lines) {
            Matcher m = INTERVAL.matcher(line);
            if (m.find()) {
                intervals.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
            }
            m = TOTAL.matcher(line);
            if (m.find()) {
                records = Long.parseLong(m.group(1));
            }
            m = LATENCY.matcher(line);
            if (m.find()) {
                p50 = Double.parseDouble(m.group(2));
                p99 = Double.parseDouble(m.group(4));
            }
        }
        if (intervals.isEmpty() && records <= 0) {
            return Optional.empty();
        }
        // the first interval includes connecting and JIT warm-up; the last may be cut short by the end of the run
        List<double[]> steady = intervals.size() >= 4 ? intervals.subList(1, intervals.size() - 1)
                : intervals.size() >= 2 ? intervals.subList(1, intervals.size()) : intervals;
        double rate = steady.stream().mapToDouble(i -> i[0]).average().orElse(records / (double) Math.max(1, duration.toSeconds()));
        double mbit = steady.stream().mapToDouble(i -> i[1]).average().orElse(0);
        return Optional.of(new Result(rate, mbit, Math.max(records, 0), p50, p99, 0, 0));
    }

    static String format(Result result) {
        return String.format(Locale.ROOT, "%,.0f msg/s (%.1f Mbit/s), %,d records", result.messagesPerSecond(),
                result.megabitsPerSecond(), result.records());
    }
}
