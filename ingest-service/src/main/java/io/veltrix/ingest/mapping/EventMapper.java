package io.veltrix.ingest.mapping;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.codec.RegisteredSchema;
import io.veltrix.schemas.rules.EventRules;
import io.veltrix.schemas.rules.RuleViolation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns one Segment-spec message (track, identify, page, screen, group, alias) into the Avro record of its
 * event type, validated against the schema the registry holds for that type.
 *
 * <p>The envelope (ids, times, source, SDK, context) is built here; the event's own part ({@code properties},
 * {@code traits}, {@code name}, {@code groupId}, ...) is read strictly by {@link AvroJsonReader}: each schema
 * field {@code snake_case} is read from the JSON key {@code camelCase}. Other top-level keys of the Segment
 * message ({@code integrations}, {@code channel}, ...) are ignored, as Segment does.
 */
public final class EventMapper {

    private static final String ENVELOPE = "envelope";
    // where the Segment context keeps what the envelope takes (compiled once: parsing them per event showed in profiles)
    private static final JsonPointer LIBRARY_NAME = JsonPointer.compile("/library/name");
    private static final JsonPointer LIBRARY_VERSION = JsonPointer.compile("/library/version");
    private static final JsonPointer IP = JsonPointer.compile("/ip");
    private static final JsonPointer LOCALE = JsonPointer.compile("/locale");
    private static final JsonPointer TIMEZONE = JsonPointer.compile("/timezone");
    private static final JsonPointer USER_AGENT = JsonPointer.compile("/userAgent");
    private static final JsonPointer APP_NAME = JsonPointer.compile("/app/name");
    private static final JsonPointer APP_VERSION = JsonPointer.compile("/app/version");
    private static final JsonPointer OS_NAME = JsonPointer.compile("/os/name");
    private static final JsonPointer OS_VERSION = JsonPointer.compile("/os/version");
    private static final JsonPointer DEVICE_MODEL = JsonPointer.compile("/device/model");
    private static final JsonPointer DEVICE_TYPE = JsonPointer.compile("/device/type");

    private final Function<String, Optional<RegisteredSchema>> schemas;
    private final EventRules rules;

    /**
     * @param schemas the latest registered schema of an event type (may block; may throw when the registry
     *                is unreachable)
     */
    public EventMapper(Function<String, Optional<RegisteredSchema>> schemas, Duration maxFutureSkew, Duration maxEventAge) {
        this.schemas = schemas;
        // the rules the processor applies too, with the same code: an event answered accepted is an event counted
        this.rules = new EventRules(maxFutureSkew, maxEventAge);
    }

    public MappedEvent map(JsonNode message, String path, CallType defaultType, IngestContext context) {
        return map(message, path, defaultType, context, null);
    }

    /**
     * @param assignedId the event id to use when the message has no {@code messageId} (a replay keeps the id
     *                   ingest generated the first time); null generates one
     */
    public MappedEvent map(JsonNode message, String path, CallType defaultType, IngestContext context, String assignedId) {
        AvroJsonReader reader = new AvroJsonReader();
        if (message == null || !message.isObject()) {
            reader.violation(Reasons.NOT_AN_OBJECT, path, "an event must be a JSON object");
            return refused(path, null, assignedId, null, null, null, reader);
        }
        String eventId = eventId(message, path, reader, assignedId);
        String playerId = playerId(message, path, reader);
        String library = contextText(message, context.batchContext(), LIBRARY_NAME);
        String libraryVersion = contextText(message, context.batchContext(), LIBRARY_VERSION);

        Optional<CallType> type = callType(message, path, defaultType, reader);
        if (type.isEmpty()) {
            return refused(path, null, eventId, playerId, library, libraryVersion, reader);
        }
        Optional<String> eventType = eventType(message, path, type.get(), reader);
        if (eventType.isEmpty()) {
            return refused(path, null, eventId, playerId, library, libraryVersion, reader);
        }
        Optional<RegisteredSchema> schema = schemas.apply(eventType.get());
        if (schema.isEmpty()) {
            reader.violation(Reasons.UNKNOWN_EVENT_TYPE, JsonPaths.child(path, type.get() == CallType.TRACK ? "event" : "type"),
                    "no schema is registered for event type '" + eventType.get() + "' (artifact "
                            + EventCatalog.EVENTS_GROUP + "/" + EventCatalog.artifactId(eventType.get()) + ")");
            return refused(path, eventType.get(), eventId, playerId, library, libraryVersion, reader);
        }

        Schema eventSchema = schema.get().schema();
        GenericRecord record = new GenericData.Record(eventSchema);
        for (Schema.Field field : eventSchema.getFields()) {
            if (field.name().equals(ENVELOPE)) {
                continue;
            }
            String key = jsonKey(field);
            JsonNode value = message.get(key);
            String fieldPath = JsonPaths.child(path, key);
            boolean isRecord = field.schema().getType() == Schema.Type.RECORD;
            record.put(field.pos(), isRecord && (value == null || value.isNull())
                    ? reader.readRecord(null, field.schema(), fieldPath)
                    : reader.readField(value, field, fieldPath));
        }
        Schema.Field envelopeField = eventSchema.getField(ENVELOPE);
        String timePath = null;
        if (envelopeField != null) {
            String[] usedTimePath = new String[1];
            record.put(envelopeField.pos(), envelope(envelopeField.schema(), message, path, context, eventId, playerId,
                    library, libraryVersion, reader, usedTimePath));
            timePath = usedTimePath[0];
        }
        if (reader.violations().isEmpty() && envelopeField != null) {
            Optional<RuleViolation> broken;
            try {
                broken = rules.check(record, Instant.now());
            } catch (IllegalArgumentException e) {
                // a registered schema whose envelope lacks what the pipeline keys and counts by
                broken = Optional.of(new RuleViolation(Reasons.UNKNOWN_EVENT_TYPE, "$.event",
                        "the schema registered for '" + eventType.get() + "' cannot be counted: " + e.getMessage()));
            }
            if (broken.isPresent()) {
                RuleViolation v = broken.get();
                reader.violation(v.reason(), rulePath(v.path(), path, message, timePath), v.message());
            }
        }
        if (!reader.violations().isEmpty()) {
            return new MappedEvent(path, eventType.get(), eventId, playerId, schema.get(), null, library, libraryVersion,
                    violations(reader));
        }
        return new MappedEvent(path, eventType.get(), eventId, playerId, schema.get(), record, library, libraryVersion, List.of());
    }

    /**
     * Where in the request the value a rule refers to is: the rules name paths of the event as a client sends it
     * ({@code $.properties.revenue}, {@code $.userId}, {@code $.timestamp}); here they become paths of this body
     * ({@code $.batch[3].properties.revenue}), with the key that was actually sent.
     */
    static String rulePath(String rule, String eventPath, JsonNode message, String timePath) {
        if (rule.equals("$.timestamp") || rule.equals("$.receivedAt")) {
            return timePath != null ? timePath : eventPath;
        }
        if (rule.equals("$.userId") && !usable(message.get("userId")) && usable(message.get("anonymousId"))) {
            return JsonPaths.child(eventPath, "anonymousId");
        }
        if (rule.equals("$.writeKey")) {
            return eventPath;
        }
        return rule.startsWith("$.") ? eventPath + rule.substring(1) : eventPath;
    }

    private static boolean usable(JsonNode id) {
        return id != null && (id.isIntegralNumber() || (id.isTextual() && !id.textValue().isBlank()));
    }

    private static List<Violation> violations(AvroJsonReader reader) {
        List<Violation> found = reader.violations();
        if (reader.omitted() == 0) {
            return List.copyOf(found);
        }
        List<Violation> listed = new java.util.ArrayList<>(found);
        Violation last = listed.remove(listed.size() - 1);
        listed.add(new Violation(last.reason(), last.path(), last.message() + " (and " + reader.omitted()
                + " more problems, not listed)"));
        return List.copyOf(listed);
    }

    /** The event type and player a message claims, without validating anything. */
    public record Claim(String eventType, String playerId) {
    }

    /**
     * What a message claims to be, for refusals decided before mapping (an event over the size limit): the
     * summary can still count it under its event type.
     */
    public static Claim claim(JsonNode message, CallType defaultType) {
        if (message == null || !message.isObject()) {
            return new Claim(null, null);
        }
        JsonNode typeNode = message.get("type");
        Optional<CallType> type = typeNode != null && typeNode.isTextual() ? CallType.of(typeNode.textValue())
                : Optional.ofNullable(defaultType);
        String eventType = null;
        if (type.isPresent() && type.get() != CallType.TRACK) {
            eventType = type.get().wireName();
        } else if (type.isPresent() && message.path("event").isTextual()) {
            eventType = EventCatalog.normalize(message.get("event").textValue())
                    .filter(t -> !CallType.isCallName(t)).orElse(null);
        }
        String userId = textOrNull(message.get("userId"));
        return new Claim(eventType, userId != null ? userId : textOrNull(message.get("anonymousId")));
    }

    private Optional<CallType> callType(JsonNode message, String path, CallType defaultType, AvroJsonReader reader) {
        JsonNode type = message.get("type");
        if (type == null || type.isNull()) {
            if (defaultType == null) {
                reader.violation(Reasons.MISSING_REQUIRED_FIELD, JsonPaths.child(path, "type"),
                        "'type' is required in a batch: one of track, identify, page, screen, group, alias");
            }
            return Optional.ofNullable(defaultType);
        }
        Optional<CallType> callType = type.isTextual() ? CallType.of(type.textValue()) : Optional.empty();
        if (callType.isEmpty()) {
            reader.violation(Reasons.UNKNOWN_CALL_TYPE, JsonPaths.child(path, "type"),
                    "expected one of track, identify, page, screen, group, alias, got " + AvroJsonReader.describe(type));
        } else if (defaultType != null && callType.get() != defaultType) {
            reader.violation(Reasons.UNKNOWN_CALL_TYPE, JsonPaths.child(path, "type"),
                    "this endpoint takes " + defaultType.wireName() + " calls, got " + type.textValue());
            return Optional.empty();
        }
        return callType;
    }

    private static Optional<String> eventType(JsonNode message, String path, CallType type, AvroJsonReader reader) {
        if (type != CallType.TRACK) {
            return Optional.of(type.wireName());
        }
        JsonNode event = message.get("event");
        String eventPath = JsonPaths.child(path, "event");
        if (event == null || event.isNull()) {
            reader.violation(Reasons.MISSING_REQUIRED_FIELD, eventPath, "a track call needs 'event', the event name");
            return Optional.empty();
        }
        Optional<String> eventType = event.isTextual() ? normalized(event.textValue()) : Optional.empty();
        if (eventType.isEmpty()) {
            reader.violation(Reasons.INVALID_EVENT_NAME, eventPath, "an event name is letters, digits, spaces, '-' or '_', "
                    + "starting with a letter, at most " + EventCatalog.MAX_EVENT_TYPE_LENGTH + " characters; got "
                    + AvroJsonReader.describe(event));
            return Optional.empty();
        }
        if (CallType.isCallName(eventType.get())) {
            reader.violation(Reasons.RESERVED_EVENT_NAME, eventPath, "'" + eventType.get() + "' is a call type, not an event name");
            return Optional.empty();
        }
        return eventType;
    }

    private static String eventId(JsonNode message, String path, AvroJsonReader reader, String assignedId) {
        JsonNode id = message.get("messageId");
        if (id == null || id.isNull() || (id.isTextual() && id.textValue().isEmpty())) {
            return assignedId != null ? assignedId : UUID.randomUUID().toString();
        }
        String idPath = JsonPaths.child(path, "messageId");
        if (!id.isTextual()) {
            reader.violation(Reasons.WRONG_TYPE, idPath, "expected a string, got " + AvroJsonReader.describe(id));
            return null;
        }
        checkIdLength(id.textValue(), idPath, reader);
        return id.textValue();
    }

    private static String playerId(JsonNode message, String path, AvroJsonReader reader) {
        int before = reader.violations().size();
        String userId = identity(message, "userId", path, reader);
        String anonymousId = identity(message, "anonymousId", path, reader);
        if (userId == null && anonymousId == null) {
            if (reader.violations().size() == before) { // not already reported as a bad id
                reader.violation(Reasons.MISSING_IDENTITY, JsonPaths.child(path, "userId"),
                        "every event needs a userId or an anonymousId");
            }
            return null;
        }
        return userId != null ? userId : anonymousId;
    }

    private static String identity(JsonNode message, String key, String path, AvroJsonReader reader) {
        JsonNode id = message.get(key);
        // white space alone identifies nobody: as if absent (the other id, or missing_identity)
        if (id == null || id.isNull() || (id.isTextual() && id.textValue().isBlank())) {
            return null;
        }
        String idPath = JsonPaths.child(path, key);
        if (!id.isTextual() && !id.isIntegralNumber()) {
            reader.violation(Reasons.WRONG_TYPE, idPath, "expected a string, got " + AvroJsonReader.describe(id));
            return null;
        }
        String value = id.asText();
        return checkIdLength(value, idPath, reader) ? value : null;
    }

    private static boolean checkIdLength(String id, String path, AvroJsonReader reader) {
        if (id.codePointCount(0, id.length()) > MAX_ID_LENGTH) {
            reader.violation(Reasons.VALUE_TOO_LONG, path, "ids are at most " + MAX_ID_LENGTH + " characters");
            return false;
        }
        return true;
    }

    private static final int MAX_ID_LENGTH = 128;

    private GenericRecord envelope(Schema schema, JsonNode message, String path, IngestContext context, String eventId,
                                   String playerId, String library, String libraryVersion, AvroJsonReader reader,
                                   String[] timePath) {
        long receivedAt = context.receivedAt().toEpochMilli();
        String timestampKey = message.hasNonNull("timestamp") ? "timestamp" : "originalTimestamp";
        Long timestamp = millis(message.get(timestampKey), JsonPaths.child(path, timestampKey), reader);
        JsonNode sentAtNode = message.hasNonNull("sentAt") ? message.get("sentAt") : context.batchSentAt();
        Long sentAt = millis(sentAtNode, JsonPaths.child(path, "sentAt"), reader);

        // Segment's clock-skew correction: the client's clock may be wrong, the gap it measured is not. Every value
        // lies within the years 0001-9999 (Timestamps), so this arithmetic cannot overflow; the EventRules then
        // refuse an event that lands too far in the future or the past
        long occurredAt = timestamp == null ? receivedAt
                : sentAt == null ? timestamp : receivedAt - (sentAt - timestamp);
        timePath[0] = JsonPaths.child(path, timestamp == null ? "sentAt" : timestampKey);

        GenericRecord envelope = new GenericData.Record(schema);
        envelope.put("event_id", eventId);
        envelope.put("player_id", playerId);
        envelope.put("user_id", textOrNull(message.get("userId")));
        envelope.put("anonymous_id", textOrNull(message.get("anonymousId")));
        envelope.put("occurred_at", occurredAt);
        envelope.put("original_timestamp", timestamp);
        envelope.put("sent_at", sentAt);
        envelope.put("received_at", receivedAt);
        envelope.put("source_id", context.sourceId());
        envelope.put("write_key_id", context.writeKeyId());

        Schema librarySchema = schema.getField("library").schema();
        GenericRecord libraryRecord = new GenericData.Record(librarySchema);
        libraryRecord.put("name", library == null ? "unknown" : library);
        libraryRecord.put("version", libraryVersion);
        envelope.put("library", libraryRecord);

        Schema contextSchema = schema.getField("context").schema();
        GenericRecord contextRecord = new GenericData.Record(contextSchema);
        JsonNode batch = context.batchContext();
        String ip = contextText(message, batch, IP);
        contextRecord.put("ip", ip != null ? ip : context.clientIp());
        contextRecord.put("locale", contextText(message, batch, LOCALE));
        contextRecord.put("timezone", contextText(message, batch, TIMEZONE));
        contextRecord.put("user_agent", contextText(message, batch, USER_AGENT));
        contextRecord.put("app_name", contextText(message, batch, APP_NAME));
        contextRecord.put("app_version", contextText(message, batch, APP_VERSION));
        contextRecord.put("os_name", contextText(message, batch, OS_NAME));
        contextRecord.put("os_version", contextText(message, batch, OS_VERSION));
        contextRecord.put("device_model", contextText(message, batch, DEVICE_MODEL));
        contextRecord.put("device_type", contextText(message, batch, DEVICE_TYPE));
        envelope.put("context", contextRecord);
        return envelope;
    }

    private static Long millis(JsonNode node, String path, AvroJsonReader reader) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        try {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return Timestamps.checkRange(node.longValue());
            }
            if (node.isTextual()) {
                return Timestamps.parse(node.textValue());
            }
        } catch (Timestamps.InvalidTimestampException e) {
            reader.violation(Reasons.INVALID_TIMESTAMP, path, "expected an ISO-8601 date-time with offset "
                    + "(2026-11-26T10:15:30.000Z) or epoch milliseconds, " + e.getMessage() + ": "
                    + AvroJsonReader.describe(node));
            return null;
        }
        reader.violation(Reasons.INVALID_TIMESTAMP, path, "expected an ISO-8601 date-time with offset "
                + "(2026-11-26T10:15:30.000Z) or epoch milliseconds, got " + AvroJsonReader.describe(node));
        return null;
    }

    /** A field of the event's own context, else of the batch context, as text (scalars only). */
    private static String contextText(JsonNode message, JsonNode batchContext, JsonPointer field) {
        String value = textOrNull(message.path("context").at(field));
        if (value == null && batchContext != null) {
            value = textOrNull(batchContext.at(field));
        }
        return value;
    }

    private static String textOrNull(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull() || node.isContainerNode()) {
            return null;
        }
        String text = node.asText();
        return text.isEmpty() ? null : text;
    }

    /**
     * Event names as clients send them, normalized: a regular expression per event showed in profiles, and clients
     * send few distinct names. At most {@link #MAX_CACHED_NAMES} are kept (anyone may send made-up names).
     */
    private static Optional<String> normalized(String name) {
        Optional<String> known = NAMES.get(name);
        if (known != null) {
            return known;
        }
        Optional<String> type = EventCatalog.normalize(name);
        if (NAMES.size() < MAX_CACHED_NAMES) {
            NAMES.put(name, type);
        }
        return type;
    }

    private static final int MAX_CACHED_NAMES = 1024;
    private static final Map<String, Optional<String>> NAMES = new ConcurrentHashMap<>();
    private static final Map<String, String> JSON_KEYS = new ConcurrentHashMap<>();

    /** The JSON key of a field ({@code previous_id} → {@code previousId}), computed once per field name. */
    private static String jsonKey(Schema.Field field) {
        String key = JSON_KEYS.get(field.name());
        if (key == null) {
            key = camelCase(field.name());
            if (JSON_KEYS.size() < 10_000) {
                JSON_KEYS.put(field.name(), key);
            }
        }
        return key;
    }

    /** {@code previous_id} → {@code previousId}. */
    static String camelCase(String snake) {
        StringBuilder camel = new StringBuilder(snake.length());
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                camel.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }

    private static MappedEvent refused(String path, String eventType, String eventId, String playerId, String library,
                                       String libraryVersion, AvroJsonReader reader) {
        return new MappedEvent(path, eventType, eventId, playerId, null, null, library, libraryVersion,
                violations(reader));
    }
}
