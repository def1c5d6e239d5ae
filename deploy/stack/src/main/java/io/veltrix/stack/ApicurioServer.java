package io.veltrix.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Apicurio Registry 3 (a Quarkus app) on its SQL storage in PostgreSQL, so content ids survive
 * restarts. Needs Java 21+ (see {@link JdkLocator}). Extra JVM options from env {@code APICURIO_JAVA_OPTS}.
 *
 * <p>Writes need a user: HTTP Basic against Quarkus' embedded user store, which holds exactly one user, the
 * registration step's ({@link LocalSecrets#REGISTRY_WRITER}, role {@code sr-developer}: versions and artifact rules,
 * no global rules, no admin API); reads stay anonymous ({@code apicurio.auth.anonymous-read-access.enabled}), so the
 * services need no registry credentials at all. No identity server to run. {@code quarkus.http.auth.basic} is fixed
 * at Apicurio's build and Quarkus says so with one WARN line at start, but Apicurio's own authentication chain reads
 * it at run time (the registry's own test profile for basic auth does the same); the refusal tests check that writes
 * without the user are refused.
 */
final class ApicurioServer extends ManagedServer {
    private final Path distHome;
    private final Path dataDir;
    private final int port;
    private final int managementPort;
    private final Path java;
    private final DbConfig db;
    private final String marker;
    private final Settings settings;
    private final boolean appendLog;
    private final String writerPassword;

    ApicurioServer(Path distHome, Path dataDir, int port, int managementPort, Path java, DbConfig db, String marker,
                   Settings settings, Log log, Path logFile, boolean appendLog, String writerPassword) {
        super("Apicurio Registry", log, logFile);
        this.distHome = distHome;
        this.dataDir = dataDir;
        this.port = port;
        this.managementPort = managementPort;
        this.java = java;
        this.db = db;
        this.marker = marker;
        this.settings = settings;
        this.appendLog = appendLog;
        this.writerPassword = writerPassword;
    }

    String registryUrl() {
        return "http://127.0.0.1:" + port + "/apis/registry/v3";
    }

    String healthUrl() {
        return "http://127.0.0.1:" + managementPort + "/health/ready";
    }

    List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add("-Xmx512m");
        settings.env("APICURIO_JAVA_OPTS").ifPresent(opts -> command.addAll(List.of(opts.trim().split("\\s+"))));
        command.add("-Dveltrix.stack.marker=" + marker);
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-Dquarkus.management.host=127.0.0.1");
        command.add("-Dquarkus.http.access-log.enabled=false");
        command.add("-Dquarkus.log.category.\"io.apicurio.registry.logging.audit\".level=WARN");
        command.add("-Dapicurio.storage.kind=sql");
        command.add("-Dapicurio.storage.sql.kind=postgresql");
        command.add("-Dapicurio.datasource.url=" + db.registryJdbcUrl());
        command.add("-Dapicurio.datasource.username=" + db.registry().user());
        command.add("-Dapicurio.datasource.jdbc.initial-size=2");
        command.add("-Dapicurio.datasource.jdbc.min-size=2");
        command.add("-Dapicurio.datasource.jdbc.max-size=10");
        command.add("-jar");
        command.add(distHome.resolve("quarkus-run.jar").toString());
        return command;
    }

    /** The registry's environment: its database password and who may write (see the class comment). */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("APICURIO_DATASOURCE_PASSWORD", db.registry().password());
        env.put("QUARKUS_HTTP_AUTH_BASIC", "true");
        env.put("QUARKUS_SECURITY_USERS_EMBEDDED_PLAIN_TEXT", "true");
        env.put("QUARKUS_SECURITY_USERS_EMBEDDED_USERS_" + LocalSecrets.REGISTRY_WRITER.toUpperCase(Locale.ROOT), writerPassword);
        env.put("QUARKUS_SECURITY_USERS_EMBEDDED_ROLES_" + LocalSecrets.REGISTRY_WRITER.toUpperCase(Locale.ROOT), "sr-developer");
        env.put("APICURIO_AUTH_ROLE_BASED_AUTHORIZATION", "true");
        env.put("APICURIO_AUTH_ANONYMOUS_READ_ACCESS_ENABLED", "true");
        return env;
    }

    void start() {
        try {
            Files.createDirectories(dataDir);
            // passwords go through the environment, not the command line (visible in ps)
            process = Processes.start(command(), dataDir, environment(), logFile, appendLog);
            log.detail("Apicurio Registry started, pid " + process.pid() + ", " + registryUrl() + " (java " + java + ")");
        } catch (IOException e) {
            throw new StackException("cannot start Apicurio Registry from " + distHome + ": " + e.getMessage(), e);
        }
    }

    void awaitReady(Duration timeout) {
        awaitReady(timeout, "GET " + healthUrl() + " answers 200", () -> Http.isOk(healthUrl()));
    }

    @Override
    protected void stopProcess(ProcessHandle handle) {
        Processes.stop(handle, "TERM", Duration.ofSeconds(20), name, log);
    }
}
