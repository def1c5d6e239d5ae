package io.veltrix.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./veltrix up --demo}: once the services are up, runs the traffic simulator's {@code demo} command
 * ({@code simulator/target/quarkus-app/quarkus-run.jar}) as one more process of the instance. It creates and starts
 * a demo experiment through experiments-service and plays the Treasure Hunt game into ingest until the stack stops,
 * so the dashboard fills with results within a minute. Its output goes to {@code <logs>/simulator.log}.
 */
final class DemoLauncher {
    static final String NAME = "simulator";
    static final String MODULE = "simulator";
    /** The demo experiment the simulator creates (see the simulator's DemoCommand). */
    static final String EXPERIMENT = "treasure-hunt-demo";

    private final Path projectRoot;
    private final Layout layout;
    private final Log log;
    private volatile Process process;

    DemoLauncher(Path projectRoot, Layout layout, Log log) {
        this.projectRoot = projectRoot;
        this.layout = layout;
        this.log = log;
    }

    /** Starts the simulator against the services; false (with a warning) when it is not built. */
    boolean start(Supervisor supervisor, LocalSecrets secrets, Map<String, String> serviceUrls) {
        Path jar = ServiceProcess.runnerJar(projectRoot, MODULE);
        if (!Files.isRegularFile(jar)) {
            log.warn("the simulator is not built (" + jar + " is missing): no demo traffic. Run ./mvnw install first");
            return false;
        }
        List<String> command = command(jar, serviceUrls);
        Map<String, String> env = environment(secrets);
        Path logFile = logFile();
        try {
            process = Processes.start(command, projectRoot, env, logFile, true);
        } catch (IOException e) {
            log.warn("cannot start the demo simulator: " + e.getMessage());
            return false;
        }
        supervisor.recordService(NAME, process.pid());
        return true;
    }

    /** {@code java ... -jar <simulator> demo --ingest-url ... --experiments-url ...}. */
    List<String> command(Path jar, Map<String, String> serviceUrls) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-Dveltrix.stack.marker=" + layout.processMarker());
        command.add("-jar");
        command.add(jar.toString());
        command.add("demo");
        command.add("--ingest-url");
        command.add(serviceUrls.get("ingest-service"));
        command.add("--experiments-url");
        command.add(serviceUrls.get("experiments-service"));
        return command;
    }

    /** The credentials, through the environment rather than the command line (which every user can read). */
    static Map<String, String> environment(LocalSecrets secrets) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("VELTRIX_WRITE_KEY", secrets.writeKey());
        env.put("VELTRIX_EXPERIMENTS_ADMIN_TOKEN", secrets.adminToken());
        env.put("VELTRIX_EXPERIMENTS_READ_TOKEN", secrets.readToken());
        env.put("VELTRIX_EXPERIMENTS_SDK_KEY", secrets.sdkKey());
        return env;
    }

    /** Stops the simulator (first, before the services it sends to). */
    void stop() {
        Process running = process;
        if (running != null && running.isAlive()) {
            Processes.stop(running.toHandle(), "TERM", Duration.ofSeconds(10), NAME, log);
            log.detail(NAME + " stopped");
        }
    }

    Path logFile() {
        return layout.logsDir().resolve(NAME + ".log");
    }
}
