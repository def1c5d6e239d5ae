package io.veltrix.stack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starting, recognising and stopping OS processes. */
final class Processes {
    private static final Path SETSID = findSetsid();

    private Processes() {
    }

    /**
     * Starts a command in its own session (via {@code setsid} when available), so a Ctrl-C in the
     * terminal reaches only the supervisor, which then stops everything in order. Output and errors
     * go to {@code logFile}.
     */
    static Process start(List<String> command, Path workDir, Map<String, String> environment, Path logFile, boolean append)
            throws IOException {
        List<String> full = new ArrayList<>();
        if (SETSID != null) {
            full.add(SETSID.toString());
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Files.createDirectories(logFile.getParent());
        builder.redirectOutput(append ? ProcessBuilder.Redirect.appendTo(logFile.toFile())
                : ProcessBuilder.Redirect.to(logFile.toFile()));
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    private static Path findSetsid() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "setsid");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The process's command line, from /proc or the JDK; empty if unknown or gone. */
    static String commandLine(ProcessHandle handle) {
        Path proc = Path.of("/proc", Long.toString(handle.pid()), "cmdline");
        try {
            byte[] bytes = Files.readAllBytes(proc);
            if (bytes.length > 0) {
                return new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ').trim();
            }
        } catch (IOException | SecurityException e) {
            // fall back to the JDK's view
        }
        return handle.info().commandLine().orElse("");
    }

    /** The live process with that pid whose command line contains the marker (i.e. one we started). */
    static Optional<ProcessHandle> ours(long pid, String marker) {
        if (pid <= 0 || pid == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> commandLine(h).contains(marker));
    }

    /** Sends a named signal (INT, QUIT, TERM, KILL...) with the {@code kill} command. */
    static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            kill.getOutputStream().close();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            throw new StackException("cannot send SIG" + signal + " to pid " + pid + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops a process and everything it started: the signal first ({@code TERM} or e.g. {@code INT}
     * for PostgreSQL's fast shutdown), SIGKILL after the grace period, then SIGKILL for any descendant
     * still alive. Returns true when it had to kill.
     */
    static boolean stop(ProcessHandle process, String signal, Duration grace, String name, Log log) {
        if (!process.isAlive()) {
            return false;
        }
        List<ProcessHandle> descendants = new ArrayList<>(process.descendants().toList());
        if ("TERM".equals(signal)) {
            process.destroy();
        } else {
            signal(process.pid(), signal);
        }
        boolean killed = false;
        if (!waitForExit(process, grace)) {
            log.warn(name + " (pid " + process.pid() + ") did not stop within " + grace.toSeconds() + " s: killing it");
            descendants.addAll(process.descendants().toList());
            process.destroyForcibly();
            waitForExit(process, Duration.ofSeconds(10));
            killed = true;
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                child.destroyForcibly();
                waitForExit(child, Duration.ofSeconds(5));
            }
        }
        return killed;
    }

    static boolean waitForExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** True when this JVM runs as root (uid 0). */
    static boolean runningAsRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
