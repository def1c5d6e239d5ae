package io.veltrix.ingest.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Reads JSON into Avro values of a given schema, strictly, and records every mismatch with its JSON path.
 *
 * <p>Rules: a record accepts only the fields its schema declares ({@code unknown_property}); an absent or
 * {@code null} field takes the schema's default, else it is a {@code missing_required_field}; numbers must
 * fit their Avro type exactly (no strings for numbers); strings honour the {@code veltrix.maxLength} field
 * property (counted in code points); enums accept only their symbols; {@code timestamp-millis} accepts
 * epoch milliseconds or an ISO-8601 date-time with offset. Not thread-safe: one reader per event.
 */
public final class AvroJsonReader {

    /** Field property carrying the longest accepted string, in code points. */
    public static final String MAX_LENGTH = "veltrix.maxLength";
    /**
     * Problems reported per event at most: a 32 KB event with thousands of unknown keys would otherwise make an answer
     * and a rejection record of a megabyte. The rest are counted ({@link #omitted()}).
     */
    public static final int MAX_VIOLATIONS = 10;

    private final List<Violation> violations = new ArrayList<>(2);
    private int omitted;

    public List<Violation> violations() {
        return violations;
    }

    /** Problems found beyond {@link #MAX_VIOLATIONS}, not listed. */
    public int omitted() {
        return omitted;
    }

    public void violation(String reason, String path, String message) {
        if (violations.size() >= MAX_VIOLATIONS) {
            omitted++;
            return;
        }
        violations.add(new Violation(reason, path, message));
    }

    private void addAll(AvroJsonReader other) {
        for (Violation v : other.violations) {
            violation(v.reason(), v.path(), v.message());
        }
        omitted += other.omitted;
    }

    /** Reads a JSON object into a record. A missing or null node is read as an empty object. */
    public GenericRecord readRecord(JsonNode node, Schema schema, String path) {
        GenericRecord record = new GenericData.Record(schema);
        if (node != null && !node.isNull() && !node.isObject()) {
            violation(Reasons.WRONG_TYPE, path, "expected an object, got " + describe(node));
            return record;
        }
        int before = violations.size();
        int present = 0;
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = node == null ? null : node.get(field.name());
            if (value != null) {
                present++;
            }
            record.put(field.pos(), readChild(value, field, path, field.name(), false));
        }
        // the keys the schema does not know are looked for only when the object has more keys than the schema's
        // fields matched (a look-up per key per event otherwise); reported first, as they were found first
        if (node != null && node.isObject() && node.size() > present) {
            List<Violation> unknown = new ArrayList<>();
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (schema.getField(name) == null) {
                    unknown.add(new Violation(Reasons.UNKNOWN_PROPERTY, JsonPaths.child(path, name),
                            "'" + name + "' is not a property of " + schema.getName() + "; known: " + fieldNames(schema)));
                }
            }
            List<Violation> after = new ArrayList<>(violations.subList(before, violations.size()));
            violations.subList(before, violations.size()).clear();
            int omittedBefore = omitted;
            for (Violation v : unknown) {
                violation(v.reason(), v.path(), v.message());
            }
            for (Violation v : after) {
                violation(v.reason(), v.path(), v.message());
            }
            omitted = Math.max(omitted, omittedBefore);
        }
        return record;
    }

    /**
     * Reads the field {@code key} of the object at {@code parentPath}, building the field's JSON path only when there
     * is something to report: nearly every field of nearly every event is valid, and the path (a string built per
     * field per event) was a measurable part of ingest's CPU. Reading has no effect but the violations it records, so
     * a field with a problem is simply read again with its path.
     *
     * @param nullRecordAsEmpty a record field that is absent or null is read as an empty object (the envelope-like
     *                          parts of an event, whose own fields may all have defaults)
     */
    public Object readChild(JsonNode value, Schema.Field field, String parentPath, String key, boolean nullRecordAsEmpty) {
        int before = violations.size();
        int omittedBefore = omitted;
        Object read = readChildAt(value, field, UNBUILT_PATH, nullRecordAsEmpty);
        if (violations.size() == before && omitted == omittedBefore) {
            return read;
        }
        violations.subList(before, violations.size()).clear();
        omitted = omittedBefore;
        return readChildAt(value, field, JsonPaths.child(parentPath, key), nullRecordAsEmpty);
    }

    /** Stands for a path not built (yet): never reported, as a read that reports something is read again. */
    private static final String UNBUILT_PATH = "$";

    private Object readChildAt(JsonNode value, Schema.Field field, String path, boolean nullRecordAsEmpty) {
        if (nullRecordAsEmpty && field.schema().getType() == Schema.Type.RECORD && (value == null || value.isNull())) {
            return readRecord(null, field.schema(), path);
        }
        return readField(value, field, path);
    }

    /** Reads one field's value, applying its default when absent. */
    public Object readField(JsonNode value, Schema.Field field, String path) {
        if (value == null || value.isNull()) {
            if (field.hasDefaultValue()) {
                return GenericData.get().getDefaultValue(field);
            }
            if (field.schema().isNullable()) {
                return null;
            }
            violation(Reasons.MISSING_REQUIRED_FIELD, path, "'" + field.name() + "' is required ("
                    + typeName(field.schema()) + ")");
            return null;
        }
        return read(value, field.schema(), path, maxLength(field));
    }

    /** Reads a non-null JSON value as {@code schema}. */
    public Object read(JsonNode node, Schema schema, String path, int maxLength) {
        switch (schema.getType()) {
            case UNION:
                return readUnion(node, schema, path, maxLength);
            case RECORD:
                return readRecord(node, schema, path);
            case STRING:
                return readString(node, path, maxLength);
            case INT:
                return readInt(node, path);
            case LONG:
                return readLong(node, schema, path);
            case FLOAT:
            case DOUBLE:
                if (!node.isNumber()) {
                    return wrongType(node, schema, path);
                }
                return schema.getType() == Schema.Type.FLOAT ? (Object) node.floatValue() : (Object) node.doubleValue();
            case BOOLEAN:
                return node.isBoolean() ? node.booleanValue() : wrongType(node, schema, path);
            case ENUM:
                if (node.isTextual() && schema.getEnumSymbols().contains(node.textValue())) {
                    return new GenericData.EnumSymbol(schema, node.textValue());
                }
                violation(Reasons.INVALID_ENUM_VALUE, path, "expected one of " + schema.getEnumSymbols()
                        + ", got " + describe(node));
                return null;
            case ARRAY:
                return readArray(node, schema, path);
            case MAP:
                return readMap(node, schema, path);
            case BYTES:
                return readBytes(node, schema, path);
            case NULL:
                return node.isNull() ? null : wrongType(node, schema, path);
            default:
                violation(Reasons.WRONG_TYPE, path, "values of Avro type " + schema.getType() + " cannot be sent as JSON");
                return null;
        }
    }

    private Object readUnion(JsonNode node, Schema union, String path, int maxLength) {
        List<Schema> branches = union.getTypes();
        if (branches.size() == 2 && (branches.get(0).getType() == Schema.Type.NULL) != (branches.get(1).getType() == Schema.Type.NULL)) {
            // an optional value (null and one type, the usual union): read in place, no reader per attempt; the same
            // violations as through the loop below
            int before = violations.size();
            int omittedBefore = omitted;
            Object value = read(node, branches.get(branches.get(0).getType() == Schema.Type.NULL ? 1 : 0), path, maxLength);
            return violations.size() == before && omitted == omittedBefore ? value : null;
        }
        AvroJsonReader firstFailure = null;
        for (Schema branch : branches) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            AvroJsonReader attempt = new AvroJsonReader();
            Object value = attempt.read(node, branch, path, maxLength);
            if (attempt.violations.isEmpty()) {
                return value;
            }
            if (firstFailure == null) {
                firstFailure = attempt;
            }
        }
        if (firstFailure != null) {
            addAll(firstFailure);
        }
        return null;
    }

    private Object readString(JsonNode node, String path, int maxLength) {
        if (!node.isTextual()) {
            return wrongType(node, Schema.create(Schema.Type.STRING), path);
        }
        String text = node.textValue();
        if (maxLength >= 0 && text.codePointCount(0, text.length()) > maxLength) {
            violation(Reasons.VALUE_TOO_LONG, path, "longer than " + maxLength + " characters");
        }
        return text;
    }

    private Object readInt(JsonNode node, String path) {
        if (!isIntegral(node)) {
            return wrongType(node, Schema.create(Schema.Type.INT), path);
        }
        if (!node.canConvertToInt()) {
            violation(Reasons.OUT_OF_RANGE, path, "outside the 32-bit integer range");
            return null;
        }
        return node.intValue();
    }

    private Object readLong(JsonNode node, Schema schema, String path) {
        LogicalType logical = schema.getLogicalType();
        boolean timestamp = logical instanceof LogicalTypes.TimestampMillis;
        if (timestamp && node.isTextual()) {
            try {
                return Timestamps.parse(node.textValue());
            } catch (Timestamps.InvalidTimestampException e) {
                violation(Reasons.INVALID_TIMESTAMP, path, e.getMessage() + ": " + describe(node));
                return null;
            }
        }
        if (!isIntegral(node)) {
            return wrongType(node, schema, path);
        }
        if (!node.canConvertToLong()) {
            violation(timestamp ? Reasons.INVALID_TIMESTAMP : Reasons.OUT_OF_RANGE, path, "outside the 64-bit integer range");
            return null;
        }
        if (timestamp) {
            try {
                return Timestamps.checkRange(node.longValue());
            } catch (Timestamps.InvalidTimestampException e) {
                violation(Reasons.INVALID_TIMESTAMP, path, "epoch milliseconds " + e.getMessage());
                return null;
            }
        }
        return node.longValue();
    }

    private Object readArray(JsonNode node, Schema schema, String path) {
        if (!node.isArray()) {
            return wrongType(node, schema, path);
        }
        List<Object> items = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String itemPath = JsonPaths.index(path, i);
            if (item.isNull() && !schema.getElementType().isNullable()) {
                violation(Reasons.WRONG_TYPE, itemPath, "null is not allowed here");
                continue;
            }
            items.add(item.isNull() ? null : read(item, schema.getElementType(), itemPath, -1));
        }
        return items;
    }

    private Object readMap(JsonNode node, Schema schema, String path) {
        if (!node.isObject()) {
            return wrongType(node, schema, path);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(entry -> {
            String entryPath = JsonPaths.child(path, entry.getKey());
            JsonNode value = entry.getValue();
            if (value.isNull() && !schema.getValueType().isNullable()) {
                violation(Reasons.WRONG_TYPE, entryPath, "null is not allowed here");
                return;
            }
            map.put(entry.getKey(), value.isNull() ? null : read(value, schema.getValueType(), entryPath, -1));
        });
        return map;
    }

    private Object readBytes(JsonNode node, Schema schema, String path) {
        if (!node.isTextual()) {
            return wrongType(node, schema, path);
        }
        try {
            return ByteBuffer.wrap(Base64.getDecoder().decode(node.textValue()));
        } catch (IllegalArgumentException e) {
            violation(Reasons.WRONG_TYPE, path, "expected base64 text");
            return null;
        }
    }

    private Object wrongType(JsonNode node, Schema schema, String path) {
        violation(Reasons.WRONG_TYPE, path, "expected " + typeName(schema) + ", got " + describe(node));
        return null;
    }

    private static boolean isIntegral(JsonNode node) {
        if (node.isIntegralNumber()) {
            return true;
        }
        // 3.0 is an integer that some JSON writers print with a fraction
        return node.isFloatingPointNumber() && !Double.isInfinite(node.doubleValue())
                && node.doubleValue() == Math.rint(node.doubleValue());
    }

    static int maxLength(Schema.Field field) {
        Object max = field.getObjectProp(MAX_LENGTH);
        return max instanceof Number ? ((Number) max).intValue() : -1;
    }

    static String typeName(Schema schema) {
        switch (schema.getType()) {
            case UNION:
                return schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL)
                        .map(AvroJsonReader::typeName).reduce((a, b) -> a + " or " + b).orElse("null");
            case RECORD:
                return "an object";
            case STRING:
                return "a string";
            case INT:
            case LONG:
                return schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
                        ? "a date-time (ISO-8601) or epoch milliseconds" : "an integer";
            case FLOAT:
            case DOUBLE:
                return "a number";
            case BOOLEAN:
                return "true or false";
            case ENUM:
                return "one of " + schema.getEnumSymbols();
            case ARRAY:
                return "an array";
            case MAP:
                return "an object";
            default:
                return schema.getType().getName();
        }
    }

    static String describe(JsonNode node) {
        if (node.isTextual()) {
            String text = node.textValue();
            return "\"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        return node.toString();
    }

    private static String fieldNames(Schema schema) {
        List<String> names = new ArrayList<>();
        schema.getFields().forEach(f -> names.add(f.name()));
        return names.toString();
    }
}
