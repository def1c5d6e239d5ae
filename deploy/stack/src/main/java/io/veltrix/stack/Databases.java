package io.veltrix.stack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** JDBC helpers: can we connect, and create a database when it is missing. */
final class Databases {
    private Databases() {
    }

    static Connection connect(String jdbcUrl, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password == null ? "" : password);
        props.setProperty("connectTimeout", "3");
        props.setProperty("loginTimeout", "5");
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", "veltrix-stack");
        return DriverManager.getConnection(jdbcUrl, props);
    }

    static boolean canConnect(String jdbcUrl, String user, String password) {
        try (Connection ignored = connect(jdbcUrl, user, password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Creates {@code database} through the server's {@code postgres} database when it does not exist.
     * Returns true when it created it.
     */
    static boolean ensureDatabase(String maintenanceUrl, String user, String password, String database) {
        try (Connection connection = connect(maintenanceUrl, user, password)) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, database);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
            }
            return true;
        } catch (SQLException e) {
            throw new StackException("database '" + database + "' is missing at " + maintenanceUrl.replaceFirst("/postgres.*$", "")
                    + " and could not be created as user '" + user + "' (" + e.getMessage().trim()
                    + "): create it yourself, or give that user the CREATEDB privilege", e);
        }
    }

    /** Runs statements, one after the other, in autocommit mode. */
    static void execute(String jdbcUrl, String user, String password, String... statements) {
        try (Connection connection = connect(jdbcUrl, user, password); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new StackException("cannot prepare the database at " + jdbcUrl + " as " + user + ": " + e.getMessage(), e);
        }
    }

    /** A string as an SQL literal. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
