package io.veltrix.ingest.mapping;

/** Builds JSONPath expressions ({@code $.batch[3].properties.coins}) for error reports. */
public final class JsonPaths {

    public static final String ROOT = "$";

    private JsonPaths() {
    }

    public static String child(String path, String key) {
        if (isSimpleKey(key)) {
            return path + "." + key;
        }
        return path + "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    /** {@code [A-Za-z_][A-Za-z0-9_]*}, tested without a regex: this runs for every field of every event. */
    static boolean isSimpleKey(String key) {
        if (key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    public static String index(String path, int index) {
        return path + "[" + index + "]";
    }
}
