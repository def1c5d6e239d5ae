package io.veltrix.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** A server process the supervisor started: health waiting with log tail on failure, and stopping. */
abstract class ManagedServer {
    private static final int TAIL_LINES = 25;

    protected final String name;
    protected final Log log;
    protected final Path logFile;
    protected volatile Process process;

    ManagedServer(String name, Log log, Path logFile) {
        this.name = name;
        this.log = log;
        this.logFile = logFile;
    }

    String name() {
        return name;
    }

    Path logFile() {
        return logFile;
    }

    Optional<ProcessHandle> handle() {
        Process p = process;
        return p == null ? Optional.empty() : Optional.of(p.toHandle());
    }

    long pid() {
        return handle().map(ProcessHandle::pid).orElse(-1L);
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Waits until {@code ready} holds; fails fast (with the log's tail) if the process exits, or at the deadline. */
    void awaitReady(Duration timeout, String probe, BooleanSupplier ready) {
        boolean ok = Await.until(timeout, Duration.ofMillis(300), () -> {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new StackException(name + " exited during start-up"
                        + (p == null ? "" : " (exit code " + p.exitValue() + ")") + ". Last lines of " + logFile + ":"
                        + System.lineSeparator() + Files2.tail(logFile, TAIL_LINES));
            }
            return ready.getAsBoolean();
        });
        if (!ok) {
            throw new StackException(name + " did not become ready within " + timeout.toSeconds() + " s (" + probe
                    + "). Last lines of " + logFile + ":" + System.lineSeparator() + Files2.tail(logFile, TAIL_LINES));
        }
    }

    /** Stops the server and anything it started; safe to call more than once. */
    void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        long started = System.nanoTime();
        stopProcess(p.toHandle());
        log.detail(String.format("%s stopped in %.1f s", name, (System.nanoTime() - started) / 1e9));
    }

    protected abstract void stopProcess(ProcessHandle handle);
}
