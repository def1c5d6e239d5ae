package io.veltrix.ingest.mapping;

import java.util.regex.Pattern;

/** Builds JSONPath expressions ({@code $.batch[3].properties.coins}) for error reports. */
public final class JsonPaths {

    public static final String ROOT = "$";
    private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JsonPaths() {
    }

    public static String child(String path, String key) {
        if (SIMPLE_KEY.matcher(key).matches()) {
            return path + "." + key;
        }
        return path + "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    public static String index(String path, int index) {
        return path + "[" + index + "]";
    }
}
