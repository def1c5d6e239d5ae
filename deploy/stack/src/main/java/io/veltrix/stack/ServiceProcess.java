package io.veltrix.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Quarkus service run as {@code java -jar <module>/target/quarkus-app/quarkus-run.jar}, with its
 * output in {@code <logs>/<name>.log}; ready when {@code GET /q/health/ready} answers 200 on its management interface
 * (health, metrics, OpenAPI: a port of their own, {@link #managementUrl()}; picked once per builder unless set).
 *
 * <pre>{@code
 * ServiceProcess ingest = ServiceProcess.builder("ingest-service", root.resolve("ingest-service/target/quarkus-app/quarkus-run.jar"))
 *         .httpPort(8081).env(stack.serviceEnvironment("ingest-service")).logsDir(stack.logsDir()).start();
 * ...
 * ingest.kill();   // crash test: SIGKILL now
 * ingest.stop();   // SIGTERM, then SIGKILL after the grace period
 * }</pre>
 */
public final class ServiceProcess {
    private final Builder spec;
    private final Process process;
    private final Path logFile;
    private final Thread exitHook;

    private ServiceProcess(Builder spec, Process process, Path logFile) {
        this.spec = spec;
        this.process = process;
        this.logFile = logFile;
        if (spec.stopOnJvmExit) {
            exitHook = new Thread(() -> stopQuietly(spec.stopGrace), "stop-" + spec.name);
            Runtime.getRuntime().addShutdownHook(exitHook);
        } else {
            exitHook = null;
        }
    }

    public static Builder builder(String name, Path runnerJar) {
        return new Builder(name, runnerJar);
    }

    /** The runner jar of a Quarkus module: {@code <projectRoot>/<module>/target/quarkus-app/quarkus-run.jar}. */
    public static Path runnerJar(Path projectRoot, String module) {
        return projectRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public String name() {
        return spec.name;
    }

    public long pid() {
        return process.pid();
    }

    public int httpPort() {
        return spec.httpPort;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + spec.httpPort;
    }

    /** The management interface: {@code /q/health}, {@code /q/metrics}, {@code /q/openapi}. */
    public String managementUrl() {
        return "http://127.0.0.1:" + spec.managementPort;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code once the process has ended. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** Completes when the process has ended (for whatever reason). */
    public java.util.concurrent.CompletableFuture<ServiceProcess> onExit() {
        return process.onExit().thenApply(p -> this);
    }

    /** Waits until the health endpoint answers 200; fails fast with the log's tail if the process exits. */
    public ServiceProcess awaitReady(Duration timeout) {
        String url = managementUrl() + spec.healthPath;
        boolean ready = Await.until(timeout, Duration.ofMillis(250), () -> {
            if (!process.isAlive()) {
                throw new StackException(spec.name + " exited during start-up (exit code " + process.exitValue()
                        + "). Last lines of " + logFile + ":" + System.lineSeparator() + Files2.tail(logFile, 30));
            }
            return Http.isOk(url);
        });
        if (!ready) {
            throw new StackException(spec.name + " was not ready within " + timeout.toSeconds() + " s (GET " + url
                    + "). Last lines of " + logFile + ":" + System.lineSeparator() + Files2.tail(logFile, 30));
        }
        return this;
    }

    /** SIGTERM, wait for the grace period (default 20 s), then SIGKILL; also kills anything it started. */
    public void stop() {
        stop(spec.stopGrace);
    }

    public synchronized void stop(Duration grace) {
        Processes.stop(process.toHandle(), "TERM", grace, spec.name, Log.console());
        removeHook();
    }

    /** SIGKILL immediately (crash tests), and wait for the process to be gone. */
    public synchronized void kill() {
        List<ProcessHandle> descendants = process.toHandle().descendants().toList();
        process.destroyForcibly();
        Processes.waitForExit(process.toHandle(), Duration.ofSeconds(10));
        descendants.forEach(ProcessHandle::destroyForcibly);
        removeHook();
    }

    private void stopQuietly(Duration grace) {
        try {
            stop(grace);
        } catch (RuntimeException e) {
            process.destroyForcibly();
        }
    }

    private void removeHook() {
        if (exitHook != null && Thread.currentThread() != exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway and finds the process gone
            }
        }
    }

    /** How to start a service; reusable (start it again after a kill). */
    public static final class Builder {
        private final String name;
        private final Path runnerJar;
        private int httpPort = 8080;
        private int managementPort;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private Path logsDir;
        private Path javaHome = Path.of(System.getProperty("java.home"));
        private Path workDir;
        private String healthPath = "/q/health/ready";
        private Duration readyTimeout = Duration.ofSeconds(120);
        private Duration stopGrace = Duration.ofSeconds(20);
        private String marker;
        private boolean stopOnJvmExit = true;
        private String portSetting;

        private Builder(String name, Path runnerJar) {
            this.name = name;
            this.runnerJar = runnerJar;
        }

        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /** The management interface's port (default: a free one, chosen at the first launch and kept). */
        public Builder managementPort(int port) {
            this.managementPort = port;
            return this;
        }

        public Builder env(Map<String, String> variables) {
            env.putAll(variables);
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        public Builder systemProperties(Map<String, String> properties) {
            systemProperties.putAll(properties);
            return this;
        }

        /** Extra JVM options, e.g. {@code -Xmx256m}. */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** Extra JVM options, in order. */
        public Builder jvmOptions(List<String> options) {
            jvmOptions.addAll(options);
            return this;
        }

        /** Where {@code <name>.log} goes (usually {@link StackInfo#logsDir()}). */
        public Builder logsDir(Path dir) {
            this.logsDir = dir;
            return this;
        }

        public Builder javaHome(Path home) {
            this.javaHome = home;
            return this;
        }

        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        public Builder healthPath(String path) {
            this.healthPath = path;
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        public Builder stopGrace(Duration grace) {
            this.stopGrace = grace;
            return this;
        }

        /** A string put on the command line so leftover clean-up can recognise the process as ours. */
        public Builder marker(String value) {
            this.marker = value;
            return this;
        }

        /** The setting that moves the port, named in the error when the port is taken. */
        public Builder portSetting(String key) {
            this.portSetting = key;
            return this;
        }

        /** Stop the service when this JVM exits (default true). */
        public Builder stopOnJvmExit(boolean value) {
            this.stopOnJvmExit = value;
            return this;
        }

        /** Starts the process and waits until it is ready. */
        public ServiceProcess start() {
            return launch().awaitReady(readyTimeout);
        }

        /** Starts the process without waiting (call {@link ServiceProcess#awaitReady(Duration)}). */
        public ServiceProcess launch() {
            if (!Files.isRegularFile(runnerJar)) {
                throw new StackException(name + " is not built (" + runnerJar + " is missing): run ./mvnw install");
            }
            if (logsDir == null) {
                throw new StackException("no logs folder for " + name + ": set logsDir(StackInfo.logsDir())");
            }
            Ports.requireFree(httpPort, name + " HTTP", portSetting);
            if (managementPort == 0) {
                managementPort = Ports.freePort();
            }
            List<String> command = new ArrayList<>();
            command.add(javaHome.resolve("bin/java").toString());
            // Netty's checks on every buffer write (reference count, bounds): ~8 % of the processor's CPU in the benchmark
            // profile; the images turn them off the same way (deploy/kubernetes/images/Dockerfile.jvm)
            command.add("-Dio.netty.buffer.checkAccessible=false");
            command.add("-Dio.netty.buffer.checkBounds=false");
            command.addAll(jvmOptions);
            if (marker != null) {
                command.add("-Dveltrix.stack.marker=" + marker);
            }
            command.add("-Dquarkus.http.port=" + httpPort);
            if (!systemProperties.containsKey("quarkus.http.host")) {
                command.add("-Dquarkus.http.host=127.0.0.1");
            }
            command.add("-Dquarkus.management.port=" + managementPort);
            if (!systemProperties.containsKey("quarkus.management.host")) {
                command.add("-Dquarkus.management.host=127.0.0.1");
            }
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("-jar");
            command.add(runnerJar.toString());
            Path logFile = logsDir.resolve(name + ".log");
            try {
                Files.createDirectories(logsDir);
                Files.writeString(logFile, "---- " + LocalDateTime.now() + " starting " + name + " on port " + httpPort
                        + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Process process = Processes.start(command, workDir != null ? workDir : runnerJar.toAbsolutePath().getParent(), env, logFile, true);
                return new ServiceProcess(this, process, logFile);
            } catch (IOException e) {
                throw new StackException("cannot start " + name + ": " + e.getMessage(), e);
            }
        }
    }
}
