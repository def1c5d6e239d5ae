package io.veltrix.simulator.bench;

import io.quarkus.logging.Log;
import io.veltrix.stack.Instance;
import io.veltrix.stack.Layout;
import io.veltrix.stack.Stack;
import io.veltrix.stack.StackInfo;
import io.veltrix.stack.VeltrixHome;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The servers the benchmark measures against. The {@code bench} instance (its own ports and folder, so a running
 * platform or test suite is never disturbed) is started fresh — its data wiped — and owned by this JVM, so it stops
 * when the benchmark ends, even if killed; {@code --keep-stack} leaves it up ({@code ./veltrix down --instance bench}).
 * The {@code test} instance (the CI smoke run) is reused as it is.
 */
public final class BenchStack {

    private final StackInfo info;
    private final Process supervisor;
    private final HugePages hugePages;

    private BenchStack(StackInfo info, Process supervisor, HugePages hugePages) {
        this.info = info;
        this.supervisor = supervisor;
        this.hugePages = hugePages;
    }

    /**
     * @param hugePages whether to reserve huge pages for PostgreSQL when this call starts the stack ({@link HugePages})
     */
    public static BenchStack obtain(Instance instance, Path projectRoot, boolean keep, boolean hugePages) {
        if (instance == Instance.TEST) {
            return new BenchStack(Stack.ensureRunning(Instance.TEST), null, HugePages.none("the shared test stack, as it runs"));
        }
        Optional<StackInfo> running = Stack.running(instance);
        if (running.isPresent()) {
            Log.infof("reusing the running %s stack (started earlier with --keep-stack)", instance.id());
            return new BenchStack(running.get(), null, HugePages.none("a stack started earlier, as it runs"));
        }
        HugePages pages = hugePages ? HugePages.reserve() : HugePages.none("left alone (--no-huge-pages)");
        Layout layout = Layout.of(VeltrixHome.resolve(), instance);
        wipe(layout.dataDir());
        Path stackJar = projectRoot.resolve("deploy/stack/target/veltrix-stack.jar");
        if (!Files.isRegularFile(stackJar)) {
            throw new IllegalStateException(stackJar + " is missing: run ./mvnw -q -DskipTests install first");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-Dveltrix.home=" + layout.home(), "-jar", stackJar.toString(),
                "supervise", "--instance", instance.id()));
        if (!keep) {
            command.add("--owner");
            command.add(Long.toString(ProcessHandle.current().pid()));
        }
        Log.infof("starting the %s stack (fresh data; ports of its own; logs in %s) ...", instance.id(), layout.logsDir());
        try {
            Files.createDirectories(layout.logsDir());
            Process supervisor = new ProcessBuilder(command).directory(projectRoot.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.logsDir().resolve("supervisor.out").toFile()))
                    .start();
            supervisor.getOutputStream().close();
            long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
            while (System.nanoTime() < deadline) {
                Optional<StackInfo> ready = Stack.running(instance);
                if (ready.isPresent()) {
                    return new BenchStack(ready.get(), supervisor, pages);
                }
                if (!supervisor.isAlive()) {
                    pages.close();
                    throw new IllegalStateException("the " + instance.id() + " stack did not start (exit code "
                            + supervisor.exitValue() + "): see " + layout.stackLog());
                }
                Thread.sleep(250);
            }
            supervisor.destroy();
            supervisor.waitFor();
            pages.close();
            throw new IllegalStateException("the " + instance.id() + " stack was not ready in 300 s: see " + layout.stackLog());
        } catch (IOException e) {
            pages.close();
            throw new IllegalStateException("cannot start the " + instance.id() + " stack: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public StackInfo info() {
        return info;
    }

    /** What the benchmark did about huge pages for PostgreSQL. */
    public String hugePages() {
        return hugePages.describe();
    }

    /** The pid of a server of the stack (pulsar, postgres, apicurio) from its state file, or -1. */
    public long serverPid(String server) {
        Properties state = new Properties();
        try (Reader reader = Files.newBufferedReader(info.home().resolve("stack.state"))) {
            state.load(reader);
            return Long.parseLong(state.getProperty(server + ".pid", "-1"));
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Stops the stack if this benchmark started it (SIGTERM to its supervisor, which stops the servers in order). */
    public void stopIfOwned(boolean keep) {
        if (supervisor == null || keep) {
            if (hugePages.reserved() > 0) {
                Log.infof("the %,d huge pages reserved for the stack's PostgreSQL stay reserved while it runs "
                        + "(vm.nr_hugepages; lower it after ./veltrix down --instance bench)", hugePages.reserved());
            }
            return;
        }
        supervisor.destroy();
        try {
            supervisor.waitFor();
            hugePages.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void wipe(Path dataDir) {
        if (!Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot wipe " + dataDir + ": " + e.getMessage(), e);
        }
    }
}
