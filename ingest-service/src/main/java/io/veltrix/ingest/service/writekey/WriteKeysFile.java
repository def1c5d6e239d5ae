package io.veltrix.ingest.service.writekey;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a write-keys file: key id → secret and source. Two formats, told apart by the first character:
 *
 * <pre>
 * # properties (the same names as the configuration, the prefix veltrix.ingest.write-keys. optional)
 * th-ios.key=wk_...
 * th-ios.source=treasure-hunt
 *
 * {"th-ios": {"key": "wk_...", "source": "treasure-hunt"}}      (JSON)
 * </pre>
 *
 * A file with any problem is refused as a whole (the caller keeps the keys it had): a key id without key or
 * source, an unknown attribute, or one secret under two ids.
 */
final class WriteKeysFile {

    /** One entry of the file. */
    record Entry(String key, String source) {
    }

    static final String CONFIG_PREFIX = "veltrix.ingest.write-keys.";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private WriteKeysFile() {
    }

    /** The entries by key id, in a stable order; throws {@link IllegalArgumentException} saying what is wrong. */
    static Map<String, Entry> parse(String content) {
        String trimmed = content.strip();
        Map<String, Map<String, String>> attributes = trimmed.startsWith("{") ? json(trimmed) : properties(content);
        Map<String, Entry> entries = new TreeMap<>();
        Map<String, String> idBySecret = new LinkedHashMap<>();
        attributes.forEach((id, values) -> {
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("key id '" + id + "': use letters, digits, '.', '_' or '-' (at most 64)");
            }
            String key = values.get("key");
            String source = values.get("source");
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("key id '" + id + "' has no key");
            }
            if (source == null || source.isBlank()) {
                throw new IllegalArgumentException("key id '" + id + "' has no source");
            }
            String other = idBySecret.putIfAbsent(key.strip(), id);
            if (other != null) {
                throw new IllegalArgumentException("key ids '" + other + "' and '" + id + "' have the same key");
            }
            entries.put(id, new Entry(key.strip(), source.strip()));
        });
        return entries;
    }

    private static Map<String, Map<String, String>> properties(String content) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(content));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a properties file: " + e.getMessage());
        }
        Map<String, Map<String, String>> attributes = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            String local = name.startsWith(CONFIG_PREFIX) ? name.substring(CONFIG_PREFIX.length()) : name;
            int dot = local.lastIndexOf('.');
            String attribute = dot < 0 ? "" : local.substring(dot + 1);
            if (dot <= 0 || !(attribute.equals("key") || attribute.equals("source"))) {
                throw new IllegalArgumentException("'" + name + "': expected <key-id>.key or <key-id>.source");
            }
            attributes.computeIfAbsent(local.substring(0, dot), id -> new LinkedHashMap<>())
                    .put(attribute, properties.getProperty(name));
        }
        return attributes;
    }

    private static Map<String, Map<String, String>> json(String content) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        Map<String, Map<String, String>> attributes = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isObject()) {
                throw new IllegalArgumentException("'" + entry.getKey() + "': expected {\"key\": ..., \"source\": ...}");
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> fields = entry.getValue().fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!(field.getKey().equals("key") || field.getKey().equals("source")) || !field.getValue().isTextual()) {
                    throw new IllegalArgumentException("'" + entry.getKey() + "." + field.getKey()
                            + "': only \"key\" and \"source\", as strings");
                }
                values.put(field.getKey(), field.getValue().textValue());
            }
            attributes.put(entry.getKey(), values);
        }
        return attributes;
    }
}
