package io.veltrix.stack;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the databases are, and who logs in. Embedded PostgreSQL by default: one role per service (each owns its
 * schema, reads the other's through the grants of the read contract), one for Apicurio (owns its database), and
 * the superuser the stack administers the server with, each with a password generated per instance
 * ({@link LocalSecrets}). A user-provided server when {@code VELTRIX_DB_URL} (or the instance-specific
 * {@code VELTRIX_RUN_DB_URL} / {@code VELTRIX_TEST_DB_URL}) is set, with {@code VELTRIX_DB_USER} /
 * {@code VELTRIX_DB_PASSWORD}: then that one user is every service's (the stack does not create roles on a server
 * it does not own); the registry's database is {@code VELTRIX_REGISTRY_DB_URL} (default: database {@code apicurio}
 * on the same server), with {@code VELTRIX_REGISTRY_DB_USER} / {@code _PASSWORD} (default: the same user).
 */
record DbConfig(boolean embedded, String host, int port, String database, String query, DbLogin processor,
                DbLogin experiments, DbLogin admin, String registryJdbcUrl, DbLogin registry) {

    /** The embedded server's superuser (initdb's bootstrap user): the stack administers the server with it. */
    static final String ADMIN_USER = "veltrix";
    /** processor-service's role: owns the schema {@code processing}. */
    static final String PROCESSOR_USER = "veltrix_processor";
    /** experiments-service's role: owns the schema {@code experiments}. */
    static final String EXPERIMENTS_USER = "veltrix_experiments";
    /** Apicurio Registry's role: owns the database {@code apicurio}. */
    static final String REGISTRY_USER = "veltrix_registry";
    /** The one role both services shared before the stack had a role per service; removed at the next start. */
    static final String LEGACY_APP_USER = "veltrix_app";
    static final String APP_DATABASE = "veltrix";
    static final String REGISTRY_DATABASE = "apicurio";
    static final String PROCESSOR_SCHEMA = "processing";
    static final String EXPERIMENTS_SCHEMA = "experiments";

    private static final Pattern JDBC_URL = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^?]+)(\\?.*)?$");

    static DbConfig embedded(int port, LocalSecrets secrets) {
        return new DbConfig(true, "127.0.0.1", port, APP_DATABASE, "",
                new DbLogin(PROCESSOR_USER, secrets.dbProcessorPassword()),
                new DbLogin(EXPERIMENTS_USER, secrets.dbExperimentsPassword()),
                new DbLogin(ADMIN_USER, secrets.dbAdminPassword()),
                "jdbc:postgresql://127.0.0.1:" + port + "/" + REGISTRY_DATABASE,
                new DbLogin(REGISTRY_USER, secrets.dbRegistryPassword()));
    }

    /** The user-provided server, if configured for this instance. */
    static Optional<DbConfig> external(Instance instance, Settings settings) {
        Optional<String> url = settings.get(instance.settingsPrefix() + "db.url").or(() -> settings.get("veltrix.db.url"));
        if (url.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = JDBC_URL.matcher(url.get());
        if (!m.matches()) {
            throw new StackException("VELTRIX_DB_URL must look like jdbc:postgresql://host:port/database, not " + url.get());
        }
        String user = settings.get("veltrix.db.user").orElseThrow(() ->
                new StackException("VELTRIX_DB_URL is set but VELTRIX_DB_USER is not: set the database user"));
        DbLogin login = new DbLogin(user, settings.get("veltrix.db.password").orElse(""));
        String host = m.group(1);
        int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
        String query = m.group(4) == null ? "" : m.group(4);
        String registryUrl = settings.get("veltrix.registry.db.url")
                .orElse("jdbc:postgresql://" + host + ":" + port + "/" + REGISTRY_DATABASE + query);
        return Optional.of(new DbConfig(false, host, port, m.group(3), query, login, login, login, registryUrl,
                new DbLogin(settings.get("veltrix.registry.db.user").orElse(user),
                        settings.get("veltrix.registry.db.password").orElse(login.password()))));
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + query;
    }

    /** The same database for the Vert.x reactive client (no JDBC parameters). */
    String reactiveUrl() {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    /** A URL on the same server for maintenance (creating databases): the {@code postgres} database. */
    String maintenanceUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/postgres" + query;
    }

    /** The database name inside a JDBC URL. */
    static String databaseOf(String jdbcUrl) {
        Matcher m = JDBC_URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new StackException("not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        return m.group(3);
    }

    /** The same server's {@code postgres} database, from any JDBC URL on it. */
    static String maintenanceUrlOf(String jdbcUrl) {
        Matcher m = JDBC_URL.matcher(jdbcUrl);
        if (!m.matches()) {
            throw new StackException("not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        return "jdbc:postgresql://" + m.group(1) + (m.group(2) == null ? "" : ":" + m.group(2)) + "/postgres"
                + (m.group(4) == null ? "" : m.group(4));
    }
}
