package io.veltrix.testing;

import io.veltrix.stack.Ports;
import io.veltrix.stack.ServiceProcess;
import io.veltrix.stack.StackInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three services, run as real processes from their built jars against the test stack, for end-to-end
 * tests. Started once per test JVM, in dependency order, on free ports; stopped when the JVM exits.
 */
public final class TestServices {

    public static final String INGEST = "ingest-service";
    public static final String PROCESSOR = "processor-service";
    public static final String EXPERIMENTS = "experiments-service";

    /** The write key every end-to-end test uses (not a secret: configured only for the test services). */
    public static final String WRITE_KEY = "e2e-write-key";
    public static final String SOURCE = "treasure-hunt";
    /** The experiments API's tokens of the test services (not secrets: configured only for the test services). */
    public static final String EXPERIMENTS_ADMIN_TOKEN = "e2e-experiments-admin-token";
    public static final String EXPERIMENTS_READ_TOKEN = "e2e-experiments-read-token";
    public static final String EXPERIMENTS_SDK_KEY = "e2e-experiments-sdk-key";

    private static TestServices instance;

    private final StackInfo stack;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    private TestServices(StackInfo stack) {
        this.stack = stack;
    }

    /** The running services, started on first use. */
    public static synchronized TestServices get() {
        if (instance == null) {
            TestServices started = new TestServices(RealStackResource.TestStack.get());
            started.start(PROCESSOR);
            started.start(EXPERIMENTS);
            started.start(INGEST);
            instance = started;
        }
        return instance;
    }

    public StackInfo stack() {
        return stack;
    }

    public String url(String service) {
        return services.get(service).baseUrl();
    }

    /** The service's management interface (health, metrics, OpenAPI). */
    public String managementUrl(String service) {
        return services.get(service).managementUrl();
    }

    public ServiceProcess process(String service) {
        return services.get(service);
    }

    /** Starts one more instance of a service (e.g. a second processor), not managed by this class. */
    public ServiceProcess startExtra(String module, String name) {
        return builder(module, name).start();
    }

    /** The same, connected to other servers (e.g. a test's own broker: {@link StackInfo#withPulsar}). */
    public ServiceProcess startExtra(String module, String name, StackInfo servers) {
        return builder(module, name, servers).start();
    }

    /** Restarts a service (after a test killed it), keeping its port. */
    public synchronized ServiceProcess restart(String service) {
        return restart(service, Map.of());
    }

    /** Restarts a service with extra system properties (e.g. a fault to inject), keeping its port. */
    public synchronized ServiceProcess restart(String service, Map<String, String> systemProperties) {
        ServiceProcess old = services.get(service);
        if (old.isAlive()) {
            old.stop();
        }
        ServiceProcess.Builder builder = builder(service, service).httpPort(old.httpPort());
        systemProperties.forEach(builder::systemProperty);
        ServiceProcess fresh = systemProperties.isEmpty() ? builder.start() : builder.launch();
        services.put(service, fresh);
        return fresh;
    }

    private void start(String module) {
        services.put(module, builder(module, module).start());
    }

    private ServiceProcess.Builder builder(String module, String name) {
        return builder(module, name, stack);
    }

    private ServiceProcess.Builder builder(String module, String name, StackInfo servers) {
        return ServiceProcess.builder("e2e-" + name, ServiceProcess.runnerJar(projectRoot(), module))
                .httpPort(Ports.freePort())
                .env(servers.serviceEnvironment(module))
                .systemProperty("veltrix.ingest.write-keys.e2e.key", WRITE_KEY)
                .systemProperty("veltrix.ingest.write-keys.e2e.source", SOURCE)
                .systemProperty("veltrix.experiments.admin-token", EXPERIMENTS_ADMIN_TOKEN)
                .systemProperty("veltrix.experiments.read-token", EXPERIMENTS_READ_TOKEN)
                .systemProperty("veltrix.experiments.sdk-key", EXPERIMENTS_SDK_KEY)
                .jvmOption("-Xmx384m")
                .logsDir(stack.logsDir())
                .marker("veltrix-e2e")
                .readyTimeout(Duration.ofSeconds(120));
    }

    /** The project's root folder (where the service modules are). */
    public static Path projectRoot() {
        String root = System.getProperty("veltrix.project.root");
        if (root != null) {
            return Path.of(root);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !dir.resolve(".mvn").toFile().isDirectory()) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the project root: set -Dveltrix.project.root");
        }
        return dir;
    }
}
