package io.veltrix.processor.service;

import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.Set;
import java.util.regex.Pattern;

/** Tells failures that pass (database restarting, connection lost, deadlock) from those that never will. */
public final class Failures {

    /** SQLSTATE classes and codes worth retrying: connection, resources, shutdown, serialization, deadlock. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "53", "57", "58");
    private static final Set<String> TRANSIENT_CODES = Set.of("40001", "40P01");
    private static final Pattern TRANSIENT_MESSAGE = Pattern.compile("(?i)timeout|timed out|closed|connection|unavailable");

    private Failures() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
            String state = sqlState(t);
            if (state != null) {
                return TRANSIENT_CODES.contains(state) || (state.length() >= 2 && TRANSIENT_CLASSES.contains(state.substring(0, 2)));
            }
            String name = t.getClass().getName();
            if (name.endsWith("ClosedConnectionException") || name.endsWith("ConnectTimeoutException")
                    || name.contains("PoolClosed")) {
                return true;
            }
            // Vert.x reports both pool time-outs and closed connections, and programming errors (a parameter it
            // cannot encode), as NoStackTraceThrowable: only the former pass
            if (name.endsWith("NoStackTraceThrowable")) {
                return t.getMessage() != null && TRANSIENT_MESSAGE.matcher(t.getMessage()).find();
            }
        }
        return false;
    }

    private static String sqlState(Throwable t) {
        if (t instanceof java.sql.SQLException sql) {
            return sql.getSQLState();
        }
        if (t instanceof PgException pg) {
            return pg.getSqlState();
        }
        return null;
    }
}
