package io.veltrix.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A private, throwaway Pulsar standalone for tests that must stop and restart a broker (outage tests)
 * without touching the shared test stack. Same distribution, configuration and platform resources
 * (tenant {@code veltrix}, namespace {@code veltrix/events}, the topics) as the stack's own Pulsar, on free
 * ports chosen at creation, with its data and logs in a folder of the caller's choice. Restartable on the
 * same ports and data; stopped when the JVM exits. Authentication and authorization are on as in the stack, with a
 * secret key of its own (made at creation): clients use {@link #tokens()}.
 *
 * <pre>{@code
 * try (PulsarStandalone pulsar = PulsarStandalone.create(Path.of("target/outage-pulsar"))) {
 *     pulsar.start(Duration.ofSeconds(120));
 *     ... pulsar.serviceUrl() ...
 *     pulsar.stop();                           // the broker is gone
 *     pulsar.start(Duration.ofSeconds(120));   // back, same ports and data
 * }
 * }</pre>
 */
public final class PulsarStandalone implements AutoCloseable {
    /** Smaller than the stack's Pulsar: a test broker carries little. Env {@code PULSAR_MEM} overrides it. */
    static final String SMALL_MEM = "-Xms256m -Xmx384m -XX:MaxDirectMemorySize=256m";

    private final Path dir;
    private final StackPorts ports;
    private final Settings settings;
    private final Log log;
    private final Thread exitHook;
    private final byte[] secretKey;
    private PulsarServer server;

    private PulsarStandalone(Path dir, StackPorts ports, Settings settings, Log log, byte[] secretKey) {
        this.dir = dir;
        this.secretKey = secretKey;
        this.ports = ports;
        this.settings = settings;
        this.log = log;
        this.exitHook = new Thread(this::stopQuietly, "stop-private-pulsar");
        Runtime.getRuntime().addShutdownHook(exitHook);
    }

    /** A broker whose data and logs go below {@code dir}, on free ports; not started yet. */
    public static PulsarStandalone create(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        StackPorts ports = new StackPorts(Ports.freePort(), Ports.freePort(), Ports.freePort(), 0, 0);
        Settings current = Settings.current();
        Settings settings = new Settings(Map.of(), Map.of(
                "PULSAR_MEM", current.env("PULSAR_MEM").orElse(SMALL_MEM),
                "PULSAR_GC", current.env("PULSAR_GC").orElse(PulsarServer.DEFAULT_GC)));
        return new PulsarStandalone(absolute, ports, settings, new Log(absolute.resolve("logs/stack.log"), null),
                java.util.Base64.getDecoder().decode(LocalSecrets.generateSecretKey()));
    }

    /** Starts the broker (extracting the distribution if needed), waits until it serves, and creates the platform's resources. */
    public synchronized PulsarStandalone start(Duration timeout) {
        if (server != null && server.isAlive()) {
            return this;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Ports.requireFree(ports.pulsar(), "private Pulsar broker", null);
        Ports.requireFree(ports.pulsarWeb(), "private Pulsar admin/web", null);
        Ports.requireFree(ports.bookie(), "private Pulsar bookie", null);
        Path home = new Distributions(VeltrixHome.resolve(), log).ensure(Distributions.Dist.pulsar());
        PulsarServer fresh = new PulsarServer(home, dir.resolve("data"), dir.resolve("logs"), ports,
                Path.of(System.getProperty("java.home")), settings, log, true, secretKey);
        fresh.start();
        server = fresh;
        fresh.awaitReady(left(deadline));
        new PulsarSetup(fresh.adminUrl(), tokens().admin(), log).apply(left(deadline));
        return this;
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 30 s) and waits until it is gone. Data is kept. */
    public synchronized void stop() {
        if (server != null) {
            server.stop();
        }
    }

    public synchronized boolean isRunning() {
        return server != null && server.isAlive();
    }

    /** e.g. {@code pulsar://127.0.0.1:41234} */
    public String serviceUrl() {
        return "pulsar://127.0.0.1:" + ports.pulsar();
    }

    /** e.g. {@code http://127.0.0.1:41235} */
    public String adminUrl() {
        return "http://127.0.0.1:" + ports.pulsarWeb();
    }

    /** This broker's tokens (its own key: the stack's tokens are not valid here). */
    public PulsarTokens tokens() {
        return PulsarTokens.issue(secretKey);
    }

    /** Where pulsar.log is. */
    public Path logsDir() {
        return dir.resolve("logs");
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook stops the broker anyway
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            // the JVM is exiting: nothing more to do
        }
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }
}
