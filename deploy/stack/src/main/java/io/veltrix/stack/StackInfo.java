package io.veltrix.stack;

import io.veltrix.schemas.registry.SchemaRegistrar;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to reach a running stack: what tests and services need.
 *
 * @param instance        run or test
 * @param pulsarServiceUrl e.g. {@code pulsar://127.0.0.1:6650}
 * @param pulsarAdminUrl  e.g. {@code http://127.0.0.1:8090}
 * @param pulsarTokens    the broker's tokens: the superuser's (for tests and tools that play the operator) and one
 *                        per service role
 * @param registryUrl     Apicurio's v3 API, e.g. {@code http://127.0.0.1:8085/apis/registry/v3}
 * @param jdbcUrl         the platform database, e.g. {@code jdbc:postgresql://127.0.0.1:41234/veltrix}
 * @param reactiveUrl     the same for the reactive client, e.g. {@code postgresql://127.0.0.1:41234/veltrix}
 * @param processorDb     processor-service's role: owns the schema {@code processing}
 * @param experimentsDb   experiments-service's role: owns the schema {@code experiments}
 * @param dbAdminUser     a user that administers the database (the embedded server's superuser; with your own
 *                        server, the one user of every service): for the stack and for tests that inject faults
 * @param dbAdminPassword its password
 * @param logsDir         the one folder with all server (and service) logs
 * @param home            the instance folder, {@code ${veltrix.home}/<instance>}
 */
public record StackInfo(Instance instance, String pulsarServiceUrl, String pulsarAdminUrl, PulsarTokens pulsarTokens,
                        String registryUrl,
                        String jdbcUrl, String reactiveUrl, DbLogin processorDb, DbLogin experimentsDb, String dbAdminUser,
                        String dbAdminPassword, Path logsDir, Path home) {

    private static final String INSTANCE = "instance";
    private static final String PULSAR_URL = "pulsar.service-url";
    private static final String PULSAR_ADMIN_URL = "pulsar.admin-url";
    private static final String PULSAR_ADMIN_TOKEN = "pulsar.admin-token";
    private static final String PULSAR_INGEST_TOKEN = "pulsar.ingest-token";
    private static final String PULSAR_PROCESSOR_TOKEN = "pulsar.processor-token";
    private static final String REGISTRY_URL = "registry.url";
    private static final String JDBC_URL = "db.jdbc-url";
    private static final String REACTIVE_URL = "db.reactive-url";
    private static final String PROCESSOR_DB_USER = "db.processor.username";
    private static final String PROCESSOR_DB_PASSWORD = "db.processor.password";
    private static final String EXPERIMENTS_DB_USER = "db.experiments.username";
    private static final String EXPERIMENTS_DB_PASSWORD = "db.experiments.password";
    private static final String DB_ADMIN_USER = "db.admin-username";
    private static final String DB_ADMIN_PASSWORD = "db.admin-password";
    private static final String LOGS_DIR = "logs.dir";
    private static final String HOME = "home";

    /** The same stack with another broker (a test's own) and that broker's tokens. */
    public StackInfo withPulsar(String serviceUrl, String adminUrl, PulsarTokens tokens) {
        return new StackInfo(instance, serviceUrl, adminUrl, tokens, registryUrl, jdbcUrl, reactiveUrl, processorDb, experimentsDb,
                dbAdminUser, dbAdminPassword, logsDir, home);
    }

    /** The registry's writing user (the registration step's; tests that register schemas play that step). */
    public SchemaRegistrar.Writer registryWriter() {
        return LocalSecrets.of(home).registryWriter();
    }

    /** The same stack with another registry (a test's own, or none). */
    public StackInfo withRegistry(String url) {
        return new StackInfo(instance, pulsarServiceUrl, pulsarAdminUrl, pulsarTokens, url, jdbcUrl, reactiveUrl, processorDb, experimentsDb,
                dbAdminUser, dbAdminPassword, logsDir, home);
    }

    /** The same stack with another database (a test's own). */
    public StackInfo withDatabase(String jdbc, String reactive, DbLogin processor, DbLogin experiments, String adminUser,
                                  String adminPassword) {
        return new StackInfo(instance, pulsarServiceUrl, pulsarAdminUrl, pulsarTokens, registryUrl, jdbc, reactive, processor, experiments,
                adminUser, adminPassword, logsDir, home);
    }

    /** The module name of the service that publishes to Pulsar. */
    public static final String INGEST = "ingest-service";
    /** The module name of the service that owns the schema {@code processing}. */
    public static final String PROCESSOR = "processor-service";
    /** The module name of the service that owns the schema {@code experiments}. */
    public static final String EXPERIMENTS = "experiments-service";

    /**
     * Environment variables for one service's process (VELTRIX_PULSAR_URL, VELTRIX_DB_JDBC_URL, ...): the database
     * login is that service's own role (none for a service without a schema, e.g. ingest-service), and so is its Pulsar
     * token (VELTRIX_PULSAR_TOKEN; none for experiments-service, which does not use Pulsar).
     */
    public Map<String, String> serviceEnvironment(String module) {
        Map<String, String> env = new LinkedHashMap<>();
        quarkusConfig(module).forEach((key, value) -> env.put(Settings.envName(key), value));
        return env;
    }

    /** The same as Quarkus configuration keys (veltrix.pulsar.url, veltrix.db.jdbc-url, ...). */
    public Map<String, String> quarkusConfig(String module) {
        Map<String, String> config = servers();
        if (module.equals(INGEST)) {
            config.put("veltrix.pulsar.token", pulsarTokens.ingest());
        } else if (module.equals(PROCESSOR)) {
            config.put("veltrix.pulsar.token", pulsarTokens.processor());
        }
        DbLogin own = module.equals(PROCESSOR) ? processorDb : module.equals(EXPERIMENTS) ? experimentsDb : null;
        if (own != null) {
            config.put("veltrix.db.username", own.user());
            config.put("veltrix.db.password", own.password());
            // the role the service's read contract is granted to (its Flyway placeholder reader_role)
            config.put("veltrix.db.reader-role", (own == processorDb ? experimentsDb : processorDb).user());
        }
        return config;
    }

    /**
     * For a {@code @QuarkusTest} of any module: the servers, and both services' logins under
     * {@code veltrix.stack.processor-db.*} / {@code veltrix.stack.experiments-db.*}, which each service's {@code %test}
     * profile maps to its own {@code veltrix.db.username} / {@code password} / {@code reader-role}; likewise the
     * services' Pulsar tokens under {@code veltrix.stack.pulsar.ingest-token} / {@code processor-token}, which each
     * service's {@code %test} profile maps to its {@code veltrix.pulsar.token}.
     */
    public Map<String, String> quarkusTestConfig() {
        Map<String, String> config = servers();
        config.put("veltrix.stack.pulsar.ingest-token", pulsarTokens.ingest());
        config.put("veltrix.stack.pulsar.processor-token", pulsarTokens.processor());
        config.put("veltrix.stack.processor-db.username", processorDb.user());
        config.put("veltrix.stack.processor-db.password", processorDb.password());
        config.put("veltrix.stack.experiments-db.username", experimentsDb.user());
        config.put("veltrix.stack.experiments-db.password", experimentsDb.password());
        return config;
    }

    private Map<String, String> servers() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("veltrix.pulsar.url", pulsarServiceUrl);
        config.put("veltrix.pulsar.admin-url", pulsarAdminUrl);
        config.put("veltrix.registry.url", registryUrl);
        config.put("veltrix.db.jdbc-url", jdbcUrl);
        config.put("veltrix.db.reactive-url", reactiveUrl);
        return config;
    }

    Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(INSTANCE, instance.id());
        p.put(PULSAR_URL, pulsarServiceUrl);
        p.put(PULSAR_ADMIN_URL, pulsarAdminUrl);
        p.put(PULSAR_ADMIN_TOKEN, pulsarTokens.admin());
        p.put(PULSAR_INGEST_TOKEN, pulsarTokens.ingest());
        p.put(PULSAR_PROCESSOR_TOKEN, pulsarTokens.processor());
        p.put(REGISTRY_URL, registryUrl);
        p.put(JDBC_URL, jdbcUrl);
        p.put(REACTIVE_URL, reactiveUrl);
        p.put(PROCESSOR_DB_USER, processorDb.user());
        p.put(PROCESSOR_DB_PASSWORD, processorDb.password());
        p.put(EXPERIMENTS_DB_USER, experimentsDb.user());
        p.put(EXPERIMENTS_DB_PASSWORD, experimentsDb.password());
        p.put(DB_ADMIN_USER, dbAdminUser);
        p.put(DB_ADMIN_PASSWORD, dbAdminPassword);
        p.put(LOGS_DIR, logsDir.toString());
        p.put(HOME, home.toString());
        return p;
    }

    static StackInfo fromState(StackState state) {
        return new StackInfo(Instance.parse(required(state, INSTANCE)), required(state, PULSAR_URL),
                required(state, PULSAR_ADMIN_URL), new PulsarTokens(required(state, PULSAR_ADMIN_TOKEN),
                        required(state, PULSAR_INGEST_TOKEN), required(state, PULSAR_PROCESSOR_TOKEN)),
                required(state, REGISTRY_URL), required(state, JDBC_URL),
                required(state, REACTIVE_URL),
                new DbLogin(required(state, PROCESSOR_DB_USER), state.get(PROCESSOR_DB_PASSWORD).orElse("")),
                new DbLogin(required(state, EXPERIMENTS_DB_USER), state.get(EXPERIMENTS_DB_PASSWORD).orElse("")),
                required(state, DB_ADMIN_USER), state.get(DB_ADMIN_PASSWORD).orElse(""),
                Path.of(required(state, LOGS_DIR)), Path.of(required(state, HOME)));
    }

    private static String required(StackState state, String key) {
        return state.get(key).orElseThrow(() -> new StackException("the stack's state file has no " + key
                + ": the stack is not ready (check ./veltrix status)"));
    }
}
