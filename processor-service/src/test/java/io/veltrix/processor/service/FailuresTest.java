package io.veltrix.processor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.processor.repository.EventLogRepository.CopyElsewhere;
import io.veltrix.schemas.codec.CodecException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailuresTest {

    /** Faults of the database itself: the processor waits, never dead-letters. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "28P01, password authentication failed for user veltrix",
            "42501, permission denied for table traffic_minute",
            "42P01, relation processing.traffic_minute does not exist",
            "25006, cannot execute INSERT in a read-only transaction",
            "53100, could not extend file: No space left on device",
            "53300, too many connections for role veltrix",
            "57014, canceling statement due to statement timeout",
            "55P03, canceling statement due to lock timeout",
            "25P03, terminating connection due to idle-in-transaction timeout",
            "57P01, terminating connection due to administrator command",
            "57P03, the database system is starting up",
            "58P01, could not open file",
            "XX000, internal error",
            "40P01, deadlock detected",
            "40001, could not serialize access",
            "0A000, feature not supported",
            "42883, function does not exist"})
    void aFaultOfTheDatabaseIsWaitedOut(String state, String message) {
        assertTrue(Failures.isTransient(new PgException(message, "ERROR", state, null)), state);
        assertTrue(Failures.isTransient(new HibernateException(new PgException(message, "FATAL", state, null))), state);
    }

    @Test
    void lostConnectionsPoolTimeoutsAndUnknownFailuresAreWaitedOut() {
        assertTrue(Failures.isTransient(new HibernateException(new ConnectException("refused"))));
        assertTrue(Failures.isTransient(new HibernateException(new NoStackTraceThrowable("Timeout"))));
        assertTrue(Failures.isTransient(new NoStackTraceThrowable("Connection is not active now, current status: CLOSED")));
        // not provably an event's fault: a code or deployment problem stalls the stream (loudly) rather than dead-letter it
        assertTrue(Failures.isTransient(new IllegalStateException("HR000069: No current Vertx context")));
        assertTrue(Failures.isTransient(new CodecException(CodecException.Kind.REGISTRY_UNAVAILABLE, "registry down", null)));
    }

    @Test
    void onlyAnEventsOwnDataIsPermanent() {
        assertFalse(Failures.isTransient(new PgException("value too long", "ERROR", "22001", null)));
        assertFalse(Failures.isTransient(new PgException("value out of range: overflow", "ERROR", "22003", null)));
        assertFalse(Failures.isTransient(new HibernateException(new PgException("duplicate key", "ERROR", "23505", null))));
        assertFalse(Failures.isTransient(new PgException("ON CONFLICT DO UPDATE command cannot affect row a second time",
                "ERROR", "21000", null)));
        assertFalse(Failures.isTransient(new CodecException(CodecException.Kind.MALFORMED, "not framed", null)));
    }

    @Test
    void aMissingPartitionIsTheRetentionJobsDelayNotTheEventsFault() {
        PgException noPartition = new PgException("no partition of relation \"processed_event\" found for row", "ERROR",
                "23514", null);
        assertTrue(Failures.isTransient(noPartition));
        assertTrue(Failures.isMissingPartition(new HibernateException(noPartition)));
        assertFalse(Failures.isTransient(new PgException("new row violates check constraint", "ERROR", "23514", null)));
    }

    @Test
    void aReadOnlyServerIsToldApartSoThatItsConnectionIsEnded() {
        assertTrue(Failures.isReadOnly(new HibernateException(new PgException("cannot execute INSERT in a read-only transaction",
                "ERROR", "25006", null))));
        assertFalse(Failures.isReadOnly(new PgException("permission denied for table traffic_minute", "ERROR", "42501", null)));
        assertFalse(Failures.isReadOnly(new HibernateException(new ConnectException("refused"))));
    }

    @Test
    void describesWithTheSqlState() {
        assertEquals("SQLSTATE 25006: cannot execute INSERT in a read-only transaction", Failures.describe(
                new HibernateException(new PgException("cannot execute INSERT in a read-only transaction", "ERROR", "25006", null))));
    }

    @Test
    void aCopyFoundInTheNeighbouringPartitionIsRecognizedThroughItsWrappers() {
        CopyElsewhere copy = new CopyElsewhere(1);
        assertTrue(Failures.causedBy(copy, CopyElsewhere.class));
        assertTrue(Failures.causedBy(new HibernateException(new RuntimeException(copy)),
                CopyElsewhere.class));
        assertFalse(Failures.causedBy(new HibernateException("other"),
                CopyElsewhere.class));
    }
}
