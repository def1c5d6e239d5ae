package io.veltrix.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.awaitility.Awaitility;

/**
 * What one logger of the application under test logs while this is open (a {@code java.util.logging} handler on
 * it: Quarkus' log manager serves that API, and a {@code @QuarkusTest} shares the JVM).
 */
public final class LogCapture implements AutoCloseable {

    /** Where Quarkus logs what Vert.x reports as an uncaught exception. */
    public static final String VERTX_UNCAUGHT = "io.quarkus.vertx.core.runtime.VertxCoreRecorder";

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String loggerName) {
        this.logger = Logger.getLogger(loggerName);
        logger.addHandler(handler);
    }

    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    /** Each record so far: its message, and its exception when there is one. */
    public List<String> messages() {
        return records.stream().map(r -> r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown())).toList();
    }

    /**
     * Waits until {@code after} has passed since {@code sinceNanos} ({@link System#nanoTime()}), failing if anything is
     * logged meanwhile (or was before).
     */
    public void assertNothingLoggedUntil(long sinceNanos, Duration after) {
        long quiet = Math.max(1, after.minusNanos(System.nanoTime() - sinceNanos).toMillis());
        Awaitility.await().during(Duration.ofMillis(quiet)).atMost(Duration.ofMillis(quiet + 5_000))
                .until(this::messages, List::isEmpty);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
