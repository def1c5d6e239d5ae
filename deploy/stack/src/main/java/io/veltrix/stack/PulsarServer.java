package io.veltrix.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Apache Pulsar standalone ({@code bin/pulsar standalone -nfw -nss}) with a generated configuration:
 * the distribution's {@code conf/standalone.conf} plus appended overrides (the last key wins).
 * Memory from env {@code PULSAR_MEM} (default 512 MB heap + 512 MB direct), GC from {@code PULSAR_GC}.
 *
 * <p>Authentication and authorization are on, as in production: every client needs a token signed with the instance's
 * secret key ({@link PulsarTokens}), and only role {@value PulsarTokens#ADMIN_ROLE} is a superuser (the broker's own
 * internal client uses it too). The key and that token are written, owner-readable only, below the data folder at
 * every start and referenced from the configuration as files, so neither appears in it.
 */
final class PulsarServer extends ManagedServer {
    static final String DEFAULT_MEM = "-Xms512m -Xmx512m -XX:MaxDirectMemorySize=512m";
    static final String DEFAULT_GC = "-XX:+UseG1GC -XX:+PerfDisableSharedMem";

    private final Path distHome;
    private final Path dataDir;
    private final Path logsDir;
    private final StackPorts ports;
    private final Path javaHome;
    private final Settings settings;
    private final boolean appendLog;
    private final byte[] secretKey;

    PulsarServer(Path distHome, Path dataDir, Path logsDir, StackPorts ports, Path javaHome, Settings settings, Log log,
                 boolean appendLog, byte[] secretKey) {
        super("Pulsar", log, logsDir.resolve("pulsar.log"));
        this.distHome = distHome;
        this.dataDir = dataDir;
        this.logsDir = logsDir;
        this.ports = ports;
        this.javaHome = javaHome;
        this.settings = settings;
        this.appendLog = appendLog;
        this.secretKey = secretKey.clone();
    }

    /** The superuser's token, for the setup step and the health checks. */
    String adminToken() {
        return PulsarTokens.sign(secretKey, PulsarTokens.ADMIN_ROLE);
    }

    String serviceUrl() {
        return "pulsar://127.0.0.1:" + ports.pulsar();
    }

    String adminUrl() {
        return "http://127.0.0.1:" + ports.pulsarWeb();
    }

    /** The overrides appended to standalone.conf; the secret key and the superuser's token are read from the two files. */
    static Map<String, String> overrides(StackPorts ports, Path secretKeyFile, Path adminTokenFile) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("webServicePort", Integer.toString(ports.pulsarWeb()));
        overrides.put("brokerServicePort", Integer.toString(ports.pulsar()));
        overrides.put("bindAddress", "127.0.0.1");
        overrides.put("advertisedAddress", "127.0.0.1");
        // topics created ahead of their first producer (events.rejected, events.raw-DLQ) must not be garbage-collected
        overrides.put("brokerDeleteInactiveTopicsEnabled", "false");
        // The standalone's bookie reads this file too. Without allowEphemeralPorts it ignores --bookkeeper-port and
        // takes a random port, whose bookie id no longer matches its cookie after a restart; without a listening
        // interface it binds 0.0.0.0.
        overrides.put("allowEphemeralPorts", "true");
        overrides.put("allowLoopback", "true");
        overrides.put("listeningInterface", loopbackInterface());
        // token authentication, and authorization: deny by default, grants by PulsarSetup
        overrides.put("authenticationEnabled", "true");
        overrides.put("authenticationProviders", "org.apache.pulsar.broker.authentication.AuthenticationProviderToken");
        overrides.put("tokenSecretKey", secretKeyFile.toUri().toString());
        overrides.put("authorizationEnabled", "true");
        overrides.put("superUserRoles", PulsarTokens.ADMIN_ROLE);
        // the broker's own client (standalone's set-up of public/default, topic policies, ...) authenticates as the superuser
        overrides.put("brokerClientAuthenticationPlugin", "org.apache.pulsar.client.impl.auth.AuthenticationToken");
        overrides.put("brokerClientAuthenticationParameters", adminTokenFile.toUri().toString());
        return overrides;
    }

    /** The name of the loopback network interface ("lo" on Linux). */
    static String loopbackInterface() {
        try {
            for (java.net.NetworkInterface nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (nif.isLoopback()) {
                    return nif.getName();
                }
            }
        } catch (java.net.SocketException e) {
            // fall through
        }
        return "lo";
    }

    /** The base configuration with the overrides appended; later keys win in Pulsar's properties parsing. */
    static String generateConf(String base, Map<String, String> overrides) {
        StringBuilder conf = new StringBuilder(base);
        if (!base.endsWith("\n")) {
            conf.append('\n');
        }
        conf.append("\n### Veltrix overrides (generated by io.veltrix.stack.PulsarServer; the last key wins)\n");
        overrides.forEach((k, v) -> conf.append(k).append('=').append(v).append('\n'));
        return conf.toString();
    }

    void start() {
        try {
            Files.createDirectories(dataDir);
            Path conf = dataDir.resolve("standalone.conf");
            Path auth = dataDir.resolve("auth");
            Path secretKeyFile = auth.resolve("token-secret.key");
            Path adminTokenFile = auth.resolve("admin.token");
            Files.createDirectories(auth);
            Files2.writeAtomically(secretKeyFile, secretKey);
            Files2.writeAtomically(adminTokenFile, adminToken().getBytes(StandardCharsets.US_ASCII));
            String base = Files.readString(distHome.resolve("conf/standalone.conf"), StandardCharsets.UTF_8);
            Files.writeString(conf, generateConf(base, overrides(ports, secretKeyFile, adminTokenFile)), StandardCharsets.UTF_8);

            Map<String, String> env = new HashMap<>();
            env.put("JAVA_HOME", javaHome.toString());
            env.put("PULSAR_MEM", settings.env("PULSAR_MEM").orElse(DEFAULT_MEM));
            env.put("PULSAR_GC", settings.env("PULSAR_GC").orElse(DEFAULT_GC));
            env.put("PULSAR_GC_LOG", "-Xlog:gc:file=" + logsDir.resolve("pulsar-gc.log") + ":time,uptime:filecount=2,filesize=10M");
            env.put("PULSAR_LOG_DIR", logsDir.toString());
            env.put("PULSAR_STANDALONE_CONF", conf.toString());
            List<String> command = List.of(distHome.resolve("bin/pulsar").toString(), "standalone", "-nfw", "-nss",
                    "-c", conf.toString(),
                    "--bookkeeper-dir", dataDir.resolve("bookkeeper").toString(),
                    "--metadata-dir", dataDir.resolve("metadata").toString(),
                    "--bookkeeper-port", Integer.toString(ports.bookie()));
            process = Processes.start(command, dataDir, env, logFile, appendLog);
            log.detail("Pulsar started, pid " + process.pid() + ", broker " + serviceUrl() + ", admin " + adminUrl());
        } catch (IOException e) {
            throw new StackException("cannot start Pulsar from " + distHome + ": " + e.getMessage(), e);
        }
    }

    void awaitReady(Duration timeout) {
        String url = adminUrl() + "/admin/v2/tenants";
        String token = adminToken();
        awaitReady(timeout, "GET " + url + " lists tenant public", () -> {
            Http.Response response = Http.get(url, token, Duration.ofSeconds(3));
            return response.status() == 200 && response.body().contains("\"public\"");
        });
    }

    @Override
    protected void stopProcess(ProcessHandle handle) {
        Processes.stop(handle, "TERM", Duration.ofSeconds(30), name, log);
    }
}
