package io.veltrix.stack;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the databases are. Embedded PostgreSQL by default; a user-provided server when
 * {@code VELTRIX_DB_URL} (or the instance-specific {@code VELTRIX_RUN_DB_URL} / {@code VELTRIX_TEST_DB_URL})
 * is set, with {@code VELTRIX_DB_USER} / {@code VELTRIX_DB_PASSWORD}; the registry's database is
 * {@code VELTRIX_REGISTRY_DB_URL} (default: database {@code apicurio} on the same server).
 */
record DbConfig(boolean embedded, String host, int port, String database, String query, String user, String password,
                String adminUser, String adminPassword, String registryJdbcUrl, String registryUser, String registryPassword) {

    /** The embedded server's superuser (initdb's bootstrap user): the stack administers the server with it. */
    static final String ADMIN_USER = "veltrix";
    /**
     * The role the services log in with on the embedded server: not a superuser, owner of the services' schemas
     * (created by their migrations), so that grants, read-only sessions and passwords apply to it as they would in
     * production.
     */
    static final String APP_USER = "veltrix_app";
    static final String APP_DATABASE = "veltrix";
    static final String REGISTRY_DATABASE = "apicurio";

    private static final Pattern JDBC_URL = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^?]+)(\\?.*)?$");

    static DbConfig embedded(int port, LocalSecrets secrets) {
        return new DbConfig(true, "127.0.0.1", port, APP_DATABASE, "", APP_USER, secrets.dbPassword(), ADMIN_USER,
                secrets.dbAdminPassword(), "jdbc:postgresql://127.0.0.1:" + port + "/" + REGISTRY_DATABASE, ADMIN_USER,
                secrets.dbAdminPassword());
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
        String password = settings.get("veltrix.db.password").orElse("");
        String host = m.group(1);
        int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
        String query = m.group(4) == null ? "" : m.group(4);
        String registryUrl = settings.get("veltrix.registry.db.url")
                .orElse("jdbc:postgresql://" + host + ":" + port + "/" + REGISTRY_DATABASE + query);
        return Optional.of(new DbConfig(false, host, port, m.group(3), query, user, password, user, password, registryUrl,
                settings.get("veltrix.registry.db.user").orElse(user),
                settings.get("veltrix.registry.db.password").orElse(password)));
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
