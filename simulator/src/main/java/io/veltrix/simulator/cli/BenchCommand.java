package io.veltrix.simulator.cli;

import io.quarkus.logging.Log;
import io.veltrix.simulator.bench.BenchOptions;
import io.veltrix.simulator.bench.BenchReport;
import io.veltrix.simulator.bench.BenchResult;
import io.veltrix.simulator.bench.Benchmark;
import io.veltrix.stack.Instance;
import io.veltrix.stack.VeltrixHome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code simulator bench} (what {@code ./veltrix bench} runs): the benchmark suite, printed and written to BENCHMARKS.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"The benchmark suite on one machine, in one run: raw Pulsar (pulsar-perf), ingest into Pulsar, the "
                + "processor draining a backlog, end-to-end latency at a steady rate, memory of each service.",
                "Runs on its own stack instance (bench: other ports, fresh data) so a running platform is not disturbed. "
                        + "Prints a table and writes it into BENCHMARKS.md (full mode)."})
public class BenchCommand implements Callable<Integer> {

    @Option(names = "--smoke", description = "a short run with small loads (CI): proves the suite works, measures nothing")
    boolean smoke;

    @Option(names = "--instance", defaultValue = "bench", description = "stack instance: bench (default) or test (CI)")
    String instance;

    @Option(names = "--events", description = "events through ingest, then the processor's backlog (default 1,000,000; smoke 20,000)")
    Long events;

    @Option(names = "--warmup-events", description = "events sent first and not measured, while the services' JVMs compile "
            + "the hot code (default 300,000; smoke 2,000; 0: measure from a cold start)")
    Long warmupEvents;

    @Option(names = "--concurrency", description = "requests outstanding in the ingest phase (default 16; smoke 4)")
    Integer concurrency;

    @Option(names = "--e2e-rate", description = "steady rate of the end-to-end phase, events/s (default 10,000; smoke 500)")
    Double e2eRate;

    @Option(names = "--e2e-duration", converter = DurationConverter.class,
            description = "length of the end-to-end phase (default 60s; smoke 10s)")
    Duration e2eDuration;

    @Option(names = "--e2e-warmup", converter = DurationConverter.class,
            description = "how long the end-to-end phase's load runs at its rate before it is measured (default 20s; "
                    + "smoke 0s): the drain's aftermath; its probes are reported apart")
    Duration e2eWarmup;

    @Option(names = "--perf-duration", converter = DurationConverter.class,
            description = "length of the pulsar-perf run (default 30s; smoke 3s)")
    Duration perfDuration;

    @Option(names = "--players", description = "simulated players (default 10,000; smoke 1,000)")
    Integer players;

    @Option(names = "--output", description = "the Markdown file to write the results into (default: BENCHMARKS.md in full "
            + "mode, none in smoke mode)")
    Path output;

    @Option(names = "--keep-stack", description = "leave the bench stack running afterwards (./veltrix down --instance bench)")
    boolean keepStack;

    @Option(names = "--profile", description = "record the services with Java Flight Recorder and list their hottest methods")
    boolean profile;

    @Option(names = "--no-huge-pages", description = "leave the kernel's huge pages alone (by default, run as root, the "
            + "benchmark reserves huge pages for PostgreSQL's shared buffers while its stack runs, and gives them back)")
    boolean noHugePages;

    @Override
    public Integer call() throws Exception {
        Path root = projectRoot();
        BenchOptions options = new BenchOptions(smoke, Instance.parse(instance),
                events != null ? events : smoke ? 20_000 : 1_000_000,
                warmupEvents != null ? warmupEvents : smoke ? 2_000 : 300_000,
                100,
                concurrency != null ? concurrency : smoke ? 4 : 16,
                players != null ? players : smoke ? 1_000 : 10_000,
                perfDuration != null ? perfDuration : Duration.ofSeconds(smoke ? 3 : 30),
                e2eRate != null ? e2eRate : smoke ? 500 : 10_000,
                e2eDuration != null ? e2eDuration : Duration.ofSeconds(smoke ? 10 : 60),
                e2eWarmup != null ? e2eWarmup : Duration.ofSeconds(smoke ? 0 : 20),
                Duration.ofSeconds(smoke ? 180 : 1800),
                keepStack, profile, !noHugePages && !smoke, root);
        BenchResult result = new Benchmark(options).run();
        String markdown = BenchReport.markdown(result, commandLine());
        System.out.println();
        System.out.println(markdown);
        Path target = output != null ? output : smoke ? null : root.resolve("BENCHMARKS.md");
        if (target != null) {
            BenchReport.writeInto(target, markdown);
            Log.infof("results written into %s", target);
        }
        return result.raw() != null && result.ingest() != null && result.processor() != null && result.endToEnd() != null ? 0 : 1;
    }

    private String commandLine() {
        StringBuilder command = new StringBuilder("./veltrix bench");
        if (smoke) {
            command.append(" --smoke");
        }
        if (!instance.equals("bench")) {
            command.append(" --instance ").append(instance);
        }
        return command.toString();
    }

    static Path projectRoot() {
        String explicit = System.getProperty("veltrix.project.root");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return VeltrixHome.projectRoot(Path.of("").toAbsolutePath())
                .orElseThrow(() -> new IllegalStateException("run from inside the Veltrix project (a folder with .mvn/)"));
    }
}
