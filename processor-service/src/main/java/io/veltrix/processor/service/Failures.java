package io.veltrix.processor.service;

import io.veltrix.schemas.codec.CodecException;
import io.vertx.pgclient.PgException;
import java.util.Set;

/**
 * Tells a failure caused by one event's data (permanent: that event alone is set aside, and dead-lettered after
 * the bounded redeliveries) from everything else (transient: the processor stops acknowledging, reports, retries
 * with backoff and resumes by itself when the cause is fixed).
 *
 * <p>Only PostgreSQL's data errors are an event's own: SQLSTATE class 22 (data exception: a value out of range, a
 * character the encoding cannot hold), 21 (cardinality) and 23 (integrity constraint), except "no partition for
 * the row", which says the retention job is behind, not that the event is wrong. Everything else is about the
 * database, the registry or the broker themselves, or about our code: a lost connection, a refused login (28P01),
 * a revoked grant (42501), a missing or renamed table (42P01), a read-only server (25006), a full disk (53100),
 * too many connections (53300), a timeout (57014, 55P03, 25P03), an internal error (XX000), an exception of the
 * driver or of Hibernate Reactive. None of them may cost the stream a dead letter: at worst the processor waits.
 */
public final class Failures {

    private static final Set<String> DATA_CLASSES = Set.of("21", "22", "23");
    /** check_violation, also raised for "no partition of relation ... found for row". */
    private static final String CHECK_VIOLATION = "23514";

    private Failures() {
    }

    /** True when the failure depends on the data of the event(s) that caused it. */
    public static boolean isDataError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CodecException codec) {
                return !codec.isTransient();
            }
            String state = sqlState(t);
            if (state != null) {
                if (CHECK_VIOLATION.equals(state) && isMissingPartition(t)) {
                    return false;
                }
                return state.length() == 5 && DATA_CLASSES.contains(state.substring(0, 2));
            }
        }
        return false;
    }

    /** The opposite of {@link #isDataError}: worth waiting for. */
    public static boolean isTransient(Throwable failure) {
        return !isDataError(failure);
    }

    /** True when PostgreSQL refused a row because no partition of the event log covers its time. */
    public static boolean isMissingPartition(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (CHECK_VIOLATION.equals(sqlState(t)) && t.getMessage() != null && t.getMessage().contains("no partition")) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the server refused a write because the session is read-only (SQLSTATE 25006): a standby, or a
     * database whose default became {@code default_transaction_read_only} (a fenced primary, a failover in progress).
     * The session keeps that default until it ends, so the connection that met it is worth nothing after the repair.
     */
    public static boolean isReadOnly(Throwable failure) {
        return READ_ONLY.equals(sqlState(failure));
    }

    private static final String READ_ONLY = "25006";

    /** True when a unique index refused a row (SQLSTATE 23505): for the event log, a copy of an event counted before. */
    public static boolean isUniqueViolation(Throwable failure) {
        return UNIQUE_VIOLATION.equals(sqlState(failure));
    }

    private static final String UNIQUE_VIOLATION = "23505";

    /** Whether the failure or one of its causes is of the given type. */
    public static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The SQLSTATE in the failure's chain of causes, or null. */
    public static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg) {
                return pg.getSqlState();
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /** A short description for logs and health: the SQLSTATE when there is one, and the message. */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg) {
                return "SQLSTATE " + pg.getSqlState() + ": " + pg.getErrorMessage();
            }
        }
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            root = t;
            if (t instanceof PgException || t instanceof CodecException) {
                break;
            }
        }
        String state = sqlState(failure);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return state == null ? message : "SQLSTATE " + state + ": " + message;
    }
}
