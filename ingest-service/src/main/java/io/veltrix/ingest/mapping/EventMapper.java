package io.veltrix.ingest.mapping;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.codec.RegisteredSchema;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
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
    private final Duration maxFutureSkew;
    private final Duration maxEventAge;

    /**
     * @param schemas the latest registered schema of an event type (may block; may throw when the registry
     *                is unreachable)
     */
    public EventMapper(Function<String, Optional<RegisteredSchema>> schemas, Duration maxFutureSkew, Duration maxEventAge) {
        this.schemas = schemas;
        this.maxFutureSkew = maxFutureSkew;
        this.maxEventAge = maxEventAge;
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
            String key = camelCase(field.name());
            JsonNode value = message.get(key);
            String fieldPath = JsonPaths.child(path, key);
            boolean isRecord = field.schema().getType() == Schema.Type.RECORD;
            record.put(field.pos(), isRecord && (value == null || value.isNull())
                    ? reader.readRecord(null, field.schema(), fieldPath)
                    : reader.readField(value, field, fieldPath));
        }
        Schema.Field envelopeField = eventSchema.getField(ENVELOPE);
        if (envelopeField != null) {
            record.put(envelopeField.pos(), envelope(envelopeField.schema(), message, path, context, eventId, playerId,
                    library, libraryVersion, reader));
        }
        if (!reader.violations().isEmpty()) {
            return new MappedEvent(path, eventType.get(), eventId, playerId, schema.get(), null, library, libraryVersion,
                    List.copyOf(reader.violations()));
        }
        return new MappedEvent(path, eventType.get(), eventId, playerId, schema.get(), record, library, libraryVersion, List.of());
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
        Optional<String> eventType = event.isTextual() ? EventCatalog.normalize(event.textValue()) : Optional.empty();
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
        if (id == null || id.isNull() || (id.isTextual() && id.textValue().isEmpty())) {
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
                                   String playerId, String library, String libraryVersion, AvroJsonReader reader) {
        Instant receivedAt = context.receivedAt();
        String timestampKey = message.hasNonNull("timestamp") ? "timestamp" : "originalTimestamp";
        Instant timestamp = instant(message.get(timestampKey), JsonPaths.child(path, timestampKey), reader);
        JsonNode sentAtNode = message.hasNonNull("sentAt") ? message.get("sentAt") : context.batchSentAt();
        Instant sentAt = instant(sentAtNode, JsonPaths.child(path, "sentAt"), reader);

        // Segment's clock-skew correction: the client's clock may be wrong, the gap it measured is not
        Instant occurredAt = timestamp == null ? receivedAt
                : sentAt == null ? timestamp : receivedAt.minus(Duration.between(timestamp, sentAt));
        String timePath = JsonPaths.child(path, timestamp == null ? "sentAt" : timestampKey);
        if (occurredAt.isAfter(receivedAt.plus(maxFutureSkew))) {
            reader.violation(Reasons.TIMESTAMP_IN_FUTURE, timePath, "the event would have happened at " + occurredAt
                    + ", after it arrived (" + receivedAt + "); at most " + maxFutureSkew + " ahead is accepted");
        } else if (occurredAt.isBefore(receivedAt.minus(maxEventAge))) {
            reader.violation(Reasons.TIMESTAMP_TOO_OLD, timePath, "the event happened at " + occurredAt
                    + ", more than " + maxEventAge + " before it arrived");
        }

        GenericRecord envelope = new GenericData.Record(schema);
        envelope.put("event_id", eventId);
        envelope.put("player_id", playerId);
        envelope.put("user_id", textOrNull(message.get("userId")));
        envelope.put("anonymous_id", textOrNull(message.get("anonymousId")));
        envelope.put("occurred_at", occurredAt.toEpochMilli());
        envelope.put("original_timestamp", timestamp == null ? null : timestamp.toEpochMilli());
        envelope.put("sent_at", sentAt == null ? null : sentAt.toEpochMilli());
        envelope.put("received_at", receivedAt.toEpochMilli());
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

    private static Instant instant(JsonNode node, String path, AvroJsonReader reader) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return Instant.ofEpochMilli(node.longValue());
        }
        if (node.isTextual()) {
            try {
                return AvroJsonReader.parseTimestamp(node.textValue());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        reader.violation(Reasons.INVALID_TIMESTAMP, path, "expected an ISO-8601 date-time with offset "
                + "(2026-11-26T10:15:30.000Z), got " + AvroJsonReader.describe(node));
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
                List.copyOf(reader.violations()));
    }
}
