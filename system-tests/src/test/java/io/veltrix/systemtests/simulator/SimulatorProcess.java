package io.veltrix.systemtests.simulator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.stack.ServiceProcess;
import io.veltrix.testing.TestServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the simulator application ({@code simulator/target/quarkus-app/quarkus-run.jar}) as a process, as users do. */
final class SimulatorProcess {

    /** What the process printed and how it ended. */
    record Outcome(int exitCode, String output) {
    }

    private SimulatorProcess() {
    }

    /**
     * {@code simulator demo} against the test services: creates and starts experiment {@code key} (control vs
     * bonus_chest) and plays the game into ingest for {@code duration} with players named after the key.
     */
    static Outcome demo(TestServices services, String key, int players, int rate, String duration, int seed)
            throws IOException, InterruptedException {
        return run(List.of("demo",
                        "--ingest-url", services.url(TestServices.INGEST),
                        "--experiments-url", services.url(TestServices.EXPERIMENTS),
                        "--experiment-key", key,
                        "--player-prefix", key,
                        "--players", Integer.toString(players), "--rate", Integer.toString(rate), "--duration", duration,
                        "--effect", "1.0", "--seed", Integer.toString(seed)),
                Map.of("VELTRIX_WRITE_KEY", TestServices.WRITE_KEY,
                        "VELTRIX_EXPERIMENTS_ADMIN_TOKEN", TestServices.EXPERIMENTS_ADMIN_TOKEN,
                        "VELTRIX_EXPERIMENTS_READ_TOKEN", TestServices.EXPERIMENTS_READ_TOKEN,
                        "VELTRIX_EXPERIMENTS_SDK_KEY", TestServices.EXPERIMENTS_SDK_KEY),
                Duration.ofMinutes(3), Files.createTempFile("simulator-demo-" + key, ".log"));
    }

    static Outcome run(List<String> arguments, Map<String, String> environment, Duration timeout, Path outputFile)
            throws IOException, InterruptedException {
        Path jar = ServiceProcess.runnerJar(TestServices.projectRoot(), "simulator");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: build the simulator module first");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Dveltrix.project.root=" + TestServices.projectRoot());
        String home = System.getProperty("veltrix.home");
        if (home != null) {
            command.add("-Dveltrix.home=" + home);
        }
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(TestServices.projectRoot().toFile())
                .redirectErrorStream(true).redirectOutput(outputFile.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            throw new AssertionError("the simulator did not finish within " + timeout + ":\n" + Files.readString(outputFile));
        }
        return new Outcome(process.exitValue(), Files.readString(outputFile));
    }
}
