package io.veltrix.testing;

import io.veltrix.stack.DbLogin;
import io.veltrix.stack.StackInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain JDBC on the test stack's database: reads for assertions on what the services stored (as the database's
 * administrator, who reads every service's schema), through {@link #as} a session as one service's role (what that
 * service may and may not do), and, through {@link #admin}, the faults a test injects.
 */
public final class Database {

    private final String url;
    private final String user;
    private final String password;

    public Database(StackInfo stack) {
        this(stack.jdbcUrl(), stack.dbAdminUser(), stack.dbAdminPassword());
    }

    /** The same database as a service's role, e.g. {@code Database.as(stack, stack.experimentsDb())}. */
    public static Database as(StackInfo stack, DbLogin login) {
        return new Database(stack.jdbcUrl(), login.user(), login.password());
    }

    public Database(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /**
     * The same database as its administrator (the embedded server's superuser), in sessions that stay writable
     * whatever a test made the database's default ({@code default_transaction_read_only}).
     */
    public static Database admin(StackInfo stack) {
        String url = stack.jdbcUrl() + (stack.jdbcUrl().contains("?") ? "&" : "?")
                + "options=-c%20default_transaction_read_only%3Doff";
        return new Database(url, stack.dbAdminUser(), stack.dbAdminPassword());
    }

    /**
     * A session of its own, for a test that holds something across its steps (a lock in an open transaction); the
     * caller closes it.
     */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** Runs a statement (DDL, grants, settings); returns the update count. */
    public int execute(String sql, Object... params) {
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.execute();
            return Math.max(0, statement.getUpdateCount());
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Rows of a query as column → value maps. */
    public List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        row.put(result.getMetaData().getColumnLabel(c), result.getObject(c));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** The single number a query returns (0 when it returns no row or NULL). */
    public long number(String sql, Object... params) {
        List<Map<String, Object>> rows = rows(sql, params);
        if (rows.isEmpty()) {
            return 0;
        }
        Object value = rows.get(0).values().iterator().next();
        return value == null ? 0 : ((Number) value).longValue();
    }
}
