package io.veltrix.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The stack's own log: timestamped lines appended to {@code logs/stack.log}, and the short
 * message on the console when there is one. Deliberately not java.util.logging: its
 * LogManager closes its handlers in a shutdown hook, exactly when we log the stop sequence.
 */
final class Log {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Path file;
    private final PrintStream console;

    Log(Path file, PrintStream console) {
        this.file = file;
        this.console = console;
    }

    /** Console only (CLI commands that own no instance). */
    static Log console() {
        return new Log(null, System.out);
    }

    void info(String message) {
        write("INFO ", message, console);
    }

    void warn(String message) {
        write("WARN ", message, console == null ? null : System.err);
    }

    void error(String message) {
        write("ERROR", message, console == null ? null : System.err);
    }

    /** File only: details not worth the console. */
    void detail(String message) {
        write("INFO ", message, null);
    }

    private synchronized void write(String level, String message, PrintStream out) {
        if (out != null) {
            out.println(level.startsWith("INFO") ? message : level.trim() + ": " + message);
            out.flush();
        }
        if (file != null) {
            String line = LocalDateTime.now().format(TIME) + " " + level + " [" + Thread.currentThread().getName() + "] "
                    + message + System.lineSeparator();
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                // the log is best effort: never fail the stack because of it
            }
        }
    }
}
