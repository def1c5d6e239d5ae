package io.veltrix.processor.service;

import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.Set;

/** Tells failures that pass (database restarting, connection lost, deadlock) from those that never will. */
public final class Failures {

    /** SQLSTATE classes and codes worth retrying: connection, resources, shutdown, serialization, deadlock. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "53", "57", "58");
    private static final Set<String> TRANSIENT_CODES = Set.of("40001", "40P01");

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
            if (name.endsWith("ClosedConnectionException") || name.endsWith("NoStackTraceThrowable")
                    || name.endsWith("ConnectTimeoutException") || name.contains("PoolClosed")) {
                return true;
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
