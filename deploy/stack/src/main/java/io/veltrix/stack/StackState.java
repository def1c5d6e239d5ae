package io.veltrix.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The supervisor's state file ({@code <instance>/stack.state}, Java properties), replaced atomically
 * on every change: status, pids, ports, URLs, database credentials, logs folder.
 */
final class StackState {
    static final String STATUS = "status";
    static final String ERROR = "error";
    static final String SUPERVISOR_PID = "supervisor.pid";
    static final String OWNER_PID = "owner.pid";
    static final String STARTED_AT = "started.at";
    static final String READY_AT = "ready.at";
    static final String PULSAR_PID = "pulsar.pid";
    static final String APICURIO_PID = "apicurio.pid";
    static final String POSTGRES_PID = "postgres.pid";
    static final String SERVICE_PID_PREFIX = "service.";
    static final String MARKER = "process.marker";

    enum Status { STARTING, READY, STOPPING, STOPPED, FAILED }

    private final Properties properties;

    StackState(Properties properties) {
        this.properties = properties;
    }

    static StackState empty() {
        return new StackState(new Properties());
    }

    /** The state file's content, or an empty state when there is none. */
    static StackState read(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return empty();
        } catch (IOException e) {
            throw new StackException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new StackState(properties);
    }

    synchronized void write(Path file) {
        try {
            java.io.StringWriter out = new java.io.StringWriter();
            properties.store(out, "Veltrix stack state (written by the supervisor; do not edit)");
            // store() escapes line breaks, so every entry is one line: sort them for a readable file
            java.util.List<String> comments = new java.util.ArrayList<>();
            java.util.List<String> entries = new java.util.ArrayList<>();
            out.toString().lines().forEach(line -> (line.startsWith("#") ? comments : entries).add(line));
            java.util.Collections.sort(entries);
            comments.addAll(entries);
            byte[] content = (String.join("\n", comments) + "\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            Files2.writeAtomically(file, content);
        } catch (IOException e) {
            throw new StackException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized Optional<String> get(String key) {
        String value = properties.getProperty(key);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    synchronized StackState set(String key, Object value) {
        if (value == null) {
            properties.remove(key);
        } else {
            properties.setProperty(key, String.valueOf(value));
        }
        return this;
    }

    synchronized StackState putAll(Map<String, String> values) {
        values.forEach(this::set);
        return this;
    }

    Optional<Status> status() {
        return get(STATUS).map(s -> {
            try {
                return Status.valueOf(s);
            } catch (IllegalArgumentException e) {
                return null;
            }
        });
    }

    boolean isReady() {
        return status().filter(s -> s == Status.READY).isPresent();
    }

    long pid(String key) {
        return get(key).map(s -> {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return -1L;
            }
        }).orElse(-1L);
    }

    /** All recorded server and service pids by key (not the supervisor's). */
    synchronized Map<String, Long> childPids() {
        Map<String, Long> pids = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            boolean server = key.equals(PULSAR_PID) || key.equals(APICURIO_PID) || key.equals(POSTGRES_PID);
            boolean service = key.startsWith(SERVICE_PID_PREFIX) && key.endsWith(".pid");
            if (server || service) {
                long pid = pid(key);
                if (pid > 0) {
                    pids.put(key, pid);
                }
            }
        }
        return pids;
    }

    synchronized Map<String, String> asMap() {
        Map<String, String> map = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            map.put(key, properties.getProperty(key));
        }
        return map;
    }
}
