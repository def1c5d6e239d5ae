package io.veltrix.processor.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void waitsOutWhatPasses() {
        assertTrue(Failures.isTransient(new HibernateException(new ConnectException("refused"))));
        assertTrue(Failures.isTransient(new PgException("deadlock detected", "ERROR", "40P01", null)));
        assertTrue(Failures.isTransient(new PgException("the database system is shutting down", "FATAL", "57P03", null)));
        assertTrue(Failures.isTransient(new HibernateException(new NoStackTraceThrowable("Timeout"))));
        assertTrue(Failures.isTransient(new NoStackTraceThrowable("Connection is not active now, current status: CLOSED")));
    }

    @Test
    void doesNotRetryForeverWhatNeverWill() {
        assertFalse(Failures.isTransient(new PgException("syntax error", "ERROR", "42601", null)));
        assertFalse(Failures.isTransient(new PgException("value too long", "ERROR", "22001", null)));
        assertFalse(Failures.isTransient(new HibernateException(new NoStackTraceThrowable(
                "Parameter at position[0] with class = [java.lang.Integer] can not be coerced to the expected class"))));
    }
}
