package io.veltrix.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The server versions and archive names this build fetched ({@code stack-versions.properties}, filtered by Maven). */
final class Versions {
    private static final Properties PROPERTIES = load();

    private Versions() {
    }

    static String get(String key) {
        String value = PROPERTIES.getProperty(key);
        if (value == null || value.contains("${")) {
            throw new StackException("stack-versions.properties has no resolved '" + key
                    + "': rebuild the stack module with ./mvnw install");
        }
        return value;
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("stack-versions.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
