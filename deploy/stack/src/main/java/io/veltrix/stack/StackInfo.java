package io.veltrix.stack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to reach a running stack: what tests and services need.
 *
 * @param instance        run or test
 * @param pulsarServiceUrl e.g. {@code pulsar://127.0.0.1:6650}
 * @param pulsarAdminUrl  e.g. {@code http://127.0.0.1:8090}
 * @param registryUrl     Apicurio's v3 API, e.g. {@code http://127.0.0.1:8085/apis/registry/v3}
 * @param jdbcUrl         the platform database, e.g. {@code jdbc:postgresql://127.0.0.1:41234/veltrix}
 * @param reactiveUrl     the same for the reactive client, e.g. {@code postgresql://127.0.0.1:41234/veltrix}
 * @param dbUser          the services' database user
 * @param dbPassword      its password
 * @param dbAdminUser     a user that administers the database (the embedded server's superuser; with your own
 *                        server, the same as dbUser): for the stack and for tests that inject faults
 * @param dbAdminPassword its password
 * @param logsDir         the one folder with all server (and service) logs
 * @param home            the instance folder, {@code ${veltrix.home}/<instance>}
 */
public record StackInfo(Instance instance, String pulsarServiceUrl, String pulsarAdminUrl, String registryUrl,
                        String jdbcUrl, String reactiveUrl, String dbUser, String dbPassword, String dbAdminUser,
                        String dbAdminPassword, Path logsDir, Path home) {

    private static final String INSTANCE = "instance";
    private static final String PULSAR_URL = "pulsar.service-url";
    private static final String PULSAR_ADMIN_URL = "pulsar.admin-url";
    private static final String REGISTRY_URL = "registry.url";
    private static final String JDBC_URL = "db.jdbc-url";
    private static final String REACTIVE_URL = "db.reactive-url";
    private static final String DB_USER = "db.username";
    private static final String DB_PASSWORD = "db.password";
    private static final String DB_ADMIN_USER = "db.admin-username";
    private static final String DB_ADMIN_PASSWORD = "db.admin-password";
    private static final String LOGS_DIR = "logs.dir";
    private static final String HOME = "home";

    /** The same stack with another broker (a test's own). */
    public StackInfo withPulsar(String serviceUrl, String adminUrl) {
        return new StackInfo(instance, serviceUrl, adminUrl, registryUrl, jdbcUrl, reactiveUrl, dbUser, dbPassword,
                dbAdminUser, dbAdminPassword, logsDir, home);
    }

    /** The same stack with another registry (a test's own, or none). */
    public StackInfo withRegistry(String url) {
        return new StackInfo(instance, pulsarServiceUrl, pulsarAdminUrl, url, jdbcUrl, reactiveUrl, dbUser, dbPassword,
                dbAdminUser, dbAdminPassword, logsDir, home);
    }

    /** The same stack with another database (a test's own). */
    public StackInfo withDatabase(String jdbc, String reactive, String user, String password, String adminUser,
                                  String adminPassword) {
        return new StackInfo(instance, pulsarServiceUrl, pulsarAdminUrl, registryUrl, jdbc, reactive, user, password,
                adminUser, adminPassword, logsDir, home);
    }

    /** Environment variables for a service process (VELTRIX_PULSAR_URL, VELTRIX_DB_JDBC_URL, ...). */
    public Map<String, String> serviceEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        quarkusConfig().forEach((key, value) -> env.put(Settings.envName(key), value));
        return env;
    }

    /** The same as Quarkus configuration keys (veltrix.pulsar.url, veltrix.db.jdbc-url, ...), e.g. for a test resource. */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("veltrix.pulsar.url", pulsarServiceUrl);
        config.put("veltrix.pulsar.admin-url", pulsarAdminUrl);
        config.put("veltrix.registry.url", registryUrl);
        config.put("veltrix.db.jdbc-url", jdbcUrl);
        config.put("veltrix.db.reactive-url", reactiveUrl);
        config.put("veltrix.db.username", dbUser);
        config.put("veltrix.db.password", dbPassword);
        return config;
    }

    Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(INSTANCE, instance.id());
        p.put(PULSAR_URL, pulsarServiceUrl);
        p.put(PULSAR_ADMIN_URL, pulsarAdminUrl);
        p.put(REGISTRY_URL, registryUrl);
        p.put(JDBC_URL, jdbcUrl);
        p.put(REACTIVE_URL, reactiveUrl);
        p.put(DB_USER, dbUser);
        p.put(DB_PASSWORD, dbPassword);
        p.put(DB_ADMIN_USER, dbAdminUser);
        p.put(DB_ADMIN_PASSWORD, dbAdminPassword);
        p.put(LOGS_DIR, logsDir.toString());
        p.put(HOME, home.toString());
        return p;
    }

    static StackInfo fromState(StackState state) {
        return new StackInfo(Instance.parse(required(state, INSTANCE)), required(state, PULSAR_URL),
                required(state, PULSAR_ADMIN_URL), required(state, REGISTRY_URL), required(state, JDBC_URL),
                required(state, REACTIVE_URL), required(state, DB_USER), state.get(DB_PASSWORD).orElse(""),
                state.get(DB_ADMIN_USER).orElse(required(state, DB_USER)),
                state.get(DB_ADMIN_PASSWORD).orElse(state.get(DB_PASSWORD).orElse("")),
                Path.of(required(state, LOGS_DIR)), Path.of(required(state, HOME)));
    }

    private static String required(StackState state, String key) {
        return state.get(key).orElseThrow(() -> new StackException("the stack's state file has no " + key
                + ": the stack is not ready (check ./veltrix status)"));
    }
}
