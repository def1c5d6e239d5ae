package io.veltrix.experiments.rest;

import io.smallrye.mutiny.CompositeException;
import java.util.Set;

/** What a failure of the database says about itself: its SQLSTATE, and whether the server was read-only. */
final class DatabaseFailures {

    private static final String READ_ONLY = "25006";

    private DatabaseFailures() {
    }

    /** The SQLSTATE in the failure's chain of causes, or null (a connection that could not be opened or was lost). */
    static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CompositeException composite) {
                return composite.getCauses().stream().map(DatabaseFailures::sqlState).filter(java.util.Objects::nonNull)
                        .findFirst().orElse(null);
            }
            String state = stateOf(t);
            if (state != null) {
                return state;
            }
        }
        return null;
    }

    /** The SQLSTATE this one failure carries itself (not its causes), or null. */
    private static String stateOf(Throwable t) {
        if (t instanceof io.vertx.pgclient.PgException pg) {
            return pg.getSqlState();
        }
        return t instanceof java.sql.SQLException sql ? sql.getSQLState() : null;
    }

    /**
     * True when the database could not serve the request, whatever the request: a SQLSTATE other than a data error
     * (classes 21, 22, 23: a value the service should not have let through), or a connection that could not be opened
     * or was lost. Looks through every failure of a {@link CompositeException} (a failed transaction whose rollback
     * failed too).
     */
    static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CompositeException composite) {
                return composite.getCauses().stream().anyMatch(DatabaseFailures::isUnavailable);
            }
            String state = stateOf(t);
            if (state != null) {
                return !(state.length() == 5 && DATA_CLASSES.contains(state.substring(0, 2)));
            }
            if (t instanceof io.vertx.sqlclient.ClosedConnectionException || t instanceof java.net.SocketException) {
                return true;
            }
        }
        return false;
    }

    private static final Set<String> DATA_CLASSES = Set.of("21", "22", "23");

    /** True when the server refused a write because the session is read-only (a standby, a fenced primary). */
    static boolean isReadOnly(Throwable failure) {
        return READ_ONLY.equals(sqlState(failure));
    }
}
