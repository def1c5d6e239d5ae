package io.veltrix.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The Java API for tests and tools.
 *
 * <pre>{@code
 * StackInfo stack = Stack.ensureRunning(Instance.TEST);
 * }</pre>
 *
 * Reuses the instance when it is READY; otherwise spawns a supervisor JVM owned by the Maven process
 * (it stops by itself when Maven exits). With {@code -Dveltrix.stack.keep=true} / {@code VELTRIX_STACK_KEEP=true}
 * the stack has no owner and stays up until {@code ./veltrix down --instance test}.
 * The wait is bounded by {@code veltrix.stack.timeout} seconds (default 240).
 */
public final class Stack {
    static final int DEFAULT_TIMEOUT_SECONDS = 240;

    private Stack() {
    }

    /** The running instance (started if needed); throws a {@link StackException} that says why it could not. */
    public static synchronized StackInfo ensureRunning(Instance instance) {
        Settings settings = Settings.current();
        Layout layout = Layout.of(VeltrixHome.resolve(), instance);
        Duration timeout = Duration.ofSeconds(settings.integer("veltrix.stack.timeout", DEFAULT_TIMEOUT_SECONDS));
        long deadline = System.nanoTime() + timeout.toNanos();
        try (StackLock ignored = StackLock.tryAcquire(layout.launchLockFile(), timeout).orElseThrow(() ->
                new StackException("another process has been starting Veltrix (" + instance.id() + ") for "
                        + timeout.toSeconds() + " s: see " + layout.stackLog()))) {
            if (StackLock.isHeld(layout.lockFile())) {
                return awaitReady(instance, layout, null, null, deadline);
            }
            boolean keep = settings.flag("veltrix.stack.keep");
            long owner = keep ? -1 : SupervisorLauncher.mavenProcess().map(ProcessHandle::pid).orElse(-1L);
            String launchId = UUID.randomUUID().toString();
            System.out.println("[veltrix-stack] starting the " + instance.id() + " stack"
                    + (keep ? " (kept running: stop with ./veltrix down --instance " + instance.id() + ")"
                    : owner > 0 ? " for process " + owner : "") + "; logs in " + layout.logsDir());
            long started = System.nanoTime();
            Process supervisor = SupervisorLauncher.spawn(instance, layout, settings, launchId, owner);
            StackInfo info = awaitReady(instance, layout, supervisor, launchId, deadline);
            System.out.printf(java.util.Locale.ROOT, "[veltrix-stack] %s stack ready in %.1f s%n", instance.id(),
                    (System.nanoTime() - started) / 1e9);
            return info;
        }
    }

    /** The instance's connection details when it is up and READY. */
    public static Optional<StackInfo> running(Instance instance) {
        Layout layout = Layout.of(VeltrixHome.resolve(), instance);
        StackState state = StackState.read(layout.stateFile());
        if (state.isReady() && StackLock.isHeld(layout.lockFile())) {
            return Optional.of(StackInfo.fromState(state));
        }
        return Optional.empty();
    }

    private static StackInfo awaitReady(Instance instance, Layout layout, Process supervisor, String launchId, long deadline) {
        StackInfo[] result = new StackInfo[1];
        boolean ready = Await.until(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), Duration.ofMillis(250), () -> {
            StackState state = StackState.read(layout.stateFile());
            boolean ours = launchId == null || state.get("launch.id").filter(launchId::equals).isPresent();
            if (ours && state.isReady() && StackLock.isHeld(layout.lockFile())) {
                result[0] = StackInfo.fromState(state);
                return true;
            }
            if (supervisor != null && !supervisor.isAlive()) {
                throw failure(instance, layout, ours ? state.get(StackState.ERROR).orElse(null) : null,
                        "the supervisor exited (code " + supervisor.exitValue() + ")");
            }
            if (supervisor == null && !StackLock.isHeld(layout.lockFile())) {
                throw failure(instance, layout, state.get(StackState.ERROR).orElse(null),
                        "the supervisor started by another process stopped");
            }
            return false;
        });
        if (!ready) {
            if (supervisor != null) {
                Processes.stop(supervisor.toHandle(), "TERM", Duration.ofSeconds(90), "supervisor", Log.console());
            }
            throw failure(instance, layout, null, "not ready in time (veltrix.stack.timeout)");
        }
        return result[0];
    }

    private static StackException failure(Instance instance, Layout layout, String error, String what) {
        Path log = layout.stackLog();
        return new StackException("Veltrix (" + instance.id() + ") could not start: " + (error != null ? error : what)
                + System.lineSeparator() + "Last lines of " + log + ":" + System.lineSeparator() + Files2.tail(log, 15));
    }

    /**
     * Stops the instance: SIGTERM to its supervisor and wait, then makes sure no recorded process
     * survives. Returns a one-line summary.
     */
    static String stop(Instance instance, Log log) {
        Layout layout = Layout.of(VeltrixHome.resolve(), instance);
        StackState state = StackState.read(layout.stateFile());
        String name = "Veltrix (" + instance.id() + ")";
        if (StackLock.isHeld(layout.lockFile())) {
            long pid = state.pid(StackState.SUPERVISOR_PID);
            Optional<ProcessHandle> supervisor = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
            if (supervisor.isEmpty()) {
                throw new StackException(name + " is locked but its state file names no live supervisor: check "
                        + layout.stateFile() + " and the processes holding " + layout.lockFile() + " (fuser -v)");
            }
            log.info("stopping " + name + " (supervisor pid " + pid + ") ...");
            long started = System.nanoTime();
            supervisor.get().destroy();
            if (!Processes.waitForExit(supervisor.get(), Duration.ofSeconds(150))) {
                log.warn("the supervisor did not stop within 150 s: killing it");
                supervisor.get().destroyForcibly();
                Processes.waitForExit(supervisor.get(), Duration.ofSeconds(10));
            }
            int leftovers = Supervisor.stopLeftovers(state, layout, log);
            return String.format(java.util.Locale.ROOT, "%s stopped in %.1f s%s", name, (System.nanoTime() - started) / 1e9,
                    leftovers > 0 ? " (" + leftovers + " leftover process(es) had to be stopped)" : "");
        }
        Optional<StackLock> lock = StackLock.tryAcquire(layout.lockFile(), Duration.ZERO);
        if (lock.isEmpty()) {
            return name + " is starting right now (its lock was just taken): run ./veltrix down again";
        }
        try (StackLock ignored = lock.get()) {
            int leftovers = Supervisor.stopLeftovers(state, layout, log);
            if (leftovers > 0) {
                StackState.empty().set(StackState.STATUS, StackState.Status.STOPPED)
                        .set(StackState.MARKER, layout.processMarker()).write(layout.stateFile());
            }
            return leftovers > 0 ? name + " was not running; stopped " + leftovers + " leftover process(es)"
                    : name + " is not running";
        }
    }
}
