package io.veltrix.stack;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration look-up: a system property {@code veltrix.run.pulsar.port} wins over the
 * environment variable derived from it ({@code VELTRIX_RUN_PULSAR_PORT}: upper case,
 * '.' and '-' become '_').
 */
public final class Settings {
    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;

    public Settings(Map<String, String> systemProperties, Map<String, String> environment) {
        this.systemProperties = Map.copyOf(systemProperties);
        this.environment = Map.copyOf(environment);
    }

    /** The settings of this JVM (system properties, then environment). */
    public static Settings current() {
        Map<String, String> props = new java.util.HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        return new Settings(props, System.getenv());
    }

    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Optional<String> get(String key) {
        String value = systemProperties.get(key);
        if (value == null || value.isBlank()) {
            value = environment.get(envName(key));
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** An environment variable only (for names that are not derived from a key, e.g. APICURIO_JAVA_HOME). */
    public Optional<String> env(String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public Optional<String> systemProperty(String name) {
        return Optional.ofNullable(systemProperties.get(name));
    }

    public boolean flag(String key) {
        return get(key).map(v -> v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")).orElse(false);
    }

    public int port(String key, int defaultPort) {
        Optional<String> value = get(key);
        if (value.isEmpty()) {
            return defaultPort;
        }
        try {
            int port = Integer.parseInt(value.get());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new StackException("invalid port '" + value.get() + "' in " + key + " / " + envName(key)
                    + ": use a number between 1 and 65535");
        }
    }

    public int integer(String key, int defaultValue) {
        Optional<String> value = get(key);
        try {
            return value.map(Integer::parseInt).orElse(defaultValue);
        } catch (NumberFormatException e) {
            throw new StackException("invalid number '" + value.get() + "' in " + key + " / " + envName(key));
        }
    }

    /** All system properties whose name starts with the prefix (to pass them on to a child JVM). */
    public Map<String, String> systemPropertiesStartingWith(String prefix) {
        Map<String, String> result = new java.util.TreeMap<>();
        systemProperties.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                result.put(k, v);
            }
        });
        return result;
    }
}
