package io.veltrix.ingest.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.codec.RegisteredSchema;
import io.veltrix.schemas.rules.EventRules;
import io.veltrix.schemas.rules.RuleViolation;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
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
    // where the Segment context keeps what the envelope takes: a key, and a key inside it (or null)
    private static final String[] LIBRARY_NAME = {"library", "name"};
    private static final String[] LIBRARY_VERSION = {"library", "version"};
    private static final String[][] CONTEXT_FIELDS = {
            {"locale", null}, {"timezone", null}, {"userAgent", null}, {"app", "name"}, {"app", "version"},
            {"os", "name"}, {"os", "version"}, {"device", "model"}, {"device", "type"}};
    private static final String[] CONTEXT_RECORD_FIELDS = {"locale", "timezone", "user_agent", "app_name", "app_version",
            "os_name", "os_version", "device_model", "device_type"};
    private static final String[] IP = {"ip", null};

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
        JsonNode eventContext = message.get("context");
        String library = contextText(eventContext, context.batchContext(), LIBRARY_NAME);
        String libraryVersion = contextText(eventContext, context.batchContext(), LIBRARY_VERSION);

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
            record.put(field.pos(), reader.readChild(message.get(key), field, path, key, true));
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

        // by position (a layout per envelope schema version): a put by name is a hash look-up, twenty per event
        EnvelopeLayout layout = EnvelopeLayout.of(schema);
        GenericRecord envelope = new GenericData.Record(schema);
        JsonNode eventContext = message.get("context");
        layout.put(envelope, layout.eventId, eventId);
        layout.put(envelope, layout.playerId, playerId);
        layout.put(envelope, layout.userId, textOrNull(message.get("userId")));
        layout.put(envelope, layout.anonymousId, textOrNull(message.get("anonymousId")));
        layout.put(envelope, layout.occurredAt, occurredAt);
        layout.put(envelope, layout.originalTimestamp, timestamp);
        layout.put(envelope, layout.sentAt, sentAt);
        layout.put(envelope, layout.receivedAt, receivedAt);
        layout.put(envelope, layout.sourceId, context.sourceId());
        layout.put(envelope, layout.writeKeyId, context.writeKeyId());

        if (layout.library != null) {
            GenericRecord libraryRecord = new GenericData.Record(layout.library);
            layout.put(libraryRecord, layout.libraryName, library == null ? "unknown" : library);
            layout.put(libraryRecord, layout.libraryVersion, libraryVersion);
            layout.put(envelope, layout.libraryPosition, libraryRecord);
        }

        if (layout.context != null) {
            GenericRecord contextRecord = new GenericData.Record(layout.context);
            JsonNode batch = context.batchContext();
            String ip = contextText(eventContext, batch, IP);
            layout.put(contextRecord, layout.ip, ip != null ? ip : context.clientIp());
            for (int i = 0; i < CONTEXT_FIELDS.length; i++) {
                layout.put(contextRecord, layout.contextFields[i], contextText(eventContext, batch, CONTEXT_FIELDS[i]));
            }
            layout.put(envelope, layout.contextPosition, contextRecord);
        }
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
    private static String contextText(JsonNode eventContext, JsonNode batchContext, String[] field) {
        String value = textOrNull(at(eventContext, field));
        if (value == null && batchContext != null) {
            value = textOrNull(at(batchContext, field));
        }
        return value;
    }

    private static JsonNode at(JsonNode context, String[] field) {
        if (context == null || !context.isObject()) {
            return null;
        }
        JsonNode first = context.get(field[0]);
        return field[1] == null || first == null || !first.isObject() ? (field[1] == null ? first : null) : first.get(field[1]);
    }

    /** Where each envelope field is in one version of the envelope schema (-1: absent in that version). */
    private static final class EnvelopeLayout {
        private static volatile Map<Schema, EnvelopeLayout> LAYOUTS = new IdentityHashMap<>();

        final int eventId;
        final int playerId;
        final int userId;
        final int anonymousId;
        final int occurredAt;
        final int originalTimestamp;
        final int sentAt;
        final int receivedAt;
        final int sourceId;
        final int writeKeyId;
        final int libraryPosition;
        final Schema library;
        final int libraryName;
        final int libraryVersion;
        final int contextPosition;
        final Schema context;
        final int ip;
        final int[] contextFields;

        private EnvelopeLayout(Schema envelope) {
            eventId = pos(envelope, "event_id");
            playerId = pos(envelope, "player_id");
            userId = pos(envelope, "user_id");
            anonymousId = pos(envelope, "anonymous_id");
            occurredAt = pos(envelope, "occurred_at");
            originalTimestamp = pos(envelope, "original_timestamp");
            sentAt = pos(envelope, "sent_at");
            receivedAt = pos(envelope, "received_at");
            sourceId = pos(envelope, "source_id");
            writeKeyId = pos(envelope, "write_key_id");
            libraryPosition = pos(envelope, "library");
            library = libraryPosition < 0 ? null : envelope.getField("library").schema();
            libraryName = library == null ? -1 : pos(library, "name");
            libraryVersion = library == null ? -1 : pos(library, "version");
            contextPosition = pos(envelope, "context");
            context = contextPosition < 0 ? null : envelope.getField("context").schema();
            ip = context == null ? -1 : pos(context, "ip");
            contextFields = new int[CONTEXT_RECORD_FIELDS.length];
            for (int i = 0; i < contextFields.length; i++) {
                contextFields[i] = context == null ? -1 : pos(context, CONTEXT_RECORD_FIELDS[i]);
            }
        }

        /**
         * The layout of a schema instance, found by identity: Avro's Schema.hashCode walks the whole schema on every
         * call (8 % of ingest's CPU when this was a hash map keyed by the schema).
         */
        static EnvelopeLayout of(Schema envelope) {
            Map<Schema, EnvelopeLayout> known = LAYOUTS;
            EnvelopeLayout layout = known.get(envelope);
            if (layout == null) {
                layout = new EnvelopeLayout(envelope);
                synchronized (EnvelopeLayout.class) {
                    Map<Schema, EnvelopeLayout> copy = new IdentityHashMap<>(LAYOUTS.size() < 1_000 ? LAYOUTS : Map.of());
                    copy.put(envelope, layout);
                    LAYOUTS = copy;
                }
            }
            return layout;
        }

        void put(GenericRecord record, int position, Object value) {
            if (position >= 0) {
                record.put(position, value);
            }
        }

        private static int pos(Schema schema, String name) {
            Schema.Field field = schema.getField(name);
            return field == null ? -1 : field.pos();
        }
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
