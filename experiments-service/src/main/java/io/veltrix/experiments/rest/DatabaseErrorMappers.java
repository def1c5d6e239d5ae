package io.veltrix.experiments.rest;

import io.quarkus.logging.Log;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A database that cannot serve the request — down, refusing the service's login or its connections, read-only (a
 * failover in progress, a fenced primary), a revoked grant, a timeout — is not the client's fault and not a bug of the
 * request: 503 with {@code database_unavailable} or {@code database_read_only} and a Retry-After, never a 500 with a
 * stack trace per request. Logged as one warning per {@value #LOG_EVERY_SECONDS} s with the count since the last one.
 * Only PostgreSQL's data errors (SQLSTATE classes 21, 22, 23: a value the request should not have let through) stay a
 * 500: those are a bug of this service, and are logged as such.
 */
public class DatabaseErrorMappers {

    static final String UNAVAILABLE = "database_unavailable";
    static final String READ_ONLY = "database_read_only";
    /** What a client is asked to wait before it tries again, in seconds. */
    static final int RETRY_AFTER_SECONDS = 5;
    private static final long LOG_EVERY_SECONDS = 30;

    /** When the next line may be logged ({@link System#nanoTime()}, whose origin is arbitrary: may be negative). */
    private final AtomicLong nextLog = new AtomicLong(System.nanoTime());
    private final AtomicLong unreported = new AtomicLong();

    @ServerExceptionMapper({PersistenceException.class, io.vertx.pgclient.PgException.class, java.sql.SQLException.class,
            io.vertx.sqlclient.ClosedConnectionException.class, java.net.SocketException.class,
            io.smallrye.mutiny.CompositeException.class})
    public RestResponse<ErrorBody> database(Exception e) {
        String state = DatabaseFailures.sqlState(e);
        if (!DatabaseFailures.isUnavailable(e)) {
            Log.errorf(e, "a request failed%s: a bug of the service", state == null ? "" : " on a data error of the database (SQLSTATE " + state + ")");
            return ErrorMappers.json(Response.Status.INTERNAL_SERVER_ERROR,
                    ErrorBody.of("internal_error", "the request failed" + (state == null ? "" : " (SQLSTATE " + state + ")")));
        }
        boolean readOnly = DatabaseFailures.isReadOnly(e);
        report(state, e);
        String message = readOnly
                ? "the database accepts no writes at the moment (read-only: a failover in progress?); reads still work, retry the write later"
                : "the database cannot serve the request at the moment" + (state == null ? "" : " (SQLSTATE " + state + ")")
                  + "; retry later";
        return RestResponse.ResponseBuilder.create(Response.Status.SERVICE_UNAVAILABLE,
                        ErrorBody.of(readOnly ? READ_ONLY : UNAVAILABLE, message))
                .type(MediaType.APPLICATION_JSON_TYPE).header("Retry-After", RETRY_AFTER_SECONDS).build();
    }

    /** One line per interval, whatever the request rate. */
    private void report(String state, Exception e) {
        long now = System.nanoTime();
        long next = nextLog.get();
        if (now - next < 0 || !nextLog.compareAndSet(next, now + Duration.ofSeconds(LOG_EVERY_SECONDS).toNanos())) {
            unreported.incrementAndGet();
            return;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        Log.warnf("problem=database_unavailable sqlstate=%s answered=503 unreported=%d example=\"%s\"",
                state == null ? "none" : state, unreported.getAndSet(0), String.valueOf(root.getMessage()));
    }
}
