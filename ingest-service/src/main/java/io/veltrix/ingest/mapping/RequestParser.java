package io.veltrix.ingest.mapping;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses a tracking request and keeps, for every event, the exact bytes the client sent: they are what
 * {@code events.rejected} keeps, and what the 32 KB event limit is measured on.
 */
public final class RequestParser {

    /**
     * One event of the request: its JSON and its bytes as received. The bytes are copied out of the body only when
     * asked for (a refused event's record); most events are accepted and only their size is needed.
     */
    public static final class RawEvent {
        private final int index;
        private final JsonNode node;
        private final byte[] body;
        private final int start;
        private final int end;
        private String path;

        public RawEvent(int index, String path, JsonNode node, byte[] raw) {
            this(index, node, raw, 0, raw.length);
            this.path = path;
        }

        RawEvent(int index, JsonNode node, byte[] body, int start, int end) {
            this.index = index;
            this.node = node;
            this.body = body;
            this.start = start;
            this.end = end;
        }

        public int index() {
            return index;
        }

        /** The JSON path of the event in the body ({@code $.batch[3]}, or {@code $}). */
        public String path() {
            if (path == null) {
                path = JsonPaths.index("$.batch", index);
            }
            return path;
        }

        public JsonNode node() {
            return node;
        }

        /** The event's bytes as received. */
        public byte[] raw() {
            return start == 0 && end == body.length ? body : Arrays.copyOfRange(body, start, end);
        }

        /** How many bytes the event is, as received. */
        public int size() {
            return end - start;
        }
    }

    /**
     * A parsed request.
     *
     * @param root     the top-level object, without its {@code batch} array
     * @param events   the events, in order
     * @param batch    true for {@code /v1/batch}
     */
    public record ParsedRequest(ObjectNode root, List<RawEvent> events, boolean batch) {

        public String writeKey() {
            JsonNode key = root.get("writeKey");
            return key != null && key.isTextual() ? key.textValue() : null;
        }

        public JsonNode sentAt() {
            return batch ? root.get("sentAt") : null;
        }

        public JsonNode context() {
            return batch ? root.get("context") : null;
        }
    }

    /** The body is not valid JSON, or not the shape the endpoint takes. */
    public static final class InvalidRequestException extends Exception {
        private final String reason;
        private final String path;

        InvalidRequestException(String reason, String path, String message) {
            super(message);
            this.reason = reason;
            this.path = path;
        }

        public String reason() {
            return reason;
        }

        public String path() {
            return path;
        }
    }

    private final ObjectMapper mapper;

    public RequestParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** {@code POST /v1/batch}: {@code {"batch": [...], "writeKey"?, "sentAt"?, "context"?}}. */
    public ParsedRequest parseBatch(byte[] body) throws InvalidRequestException {
        try (JsonParser parser = strict(mapper.createParser(body))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRequestException(Reasons.INVALID_REQUEST, JsonPaths.ROOT,
                        "a batch request is a JSON object with a 'batch' array");
            }
            ObjectNode root = mapper.createObjectNode();
            List<RawEvent> events = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("batch".equals(name) && value == JsonToken.START_ARRAY) {
                    events = readEvents(parser, body);
                } else if ("batch".equals(name)) {
                    parser.skipChildren();
                    throw new InvalidRequestException(Reasons.INVALID_REQUEST, "$.batch", "'batch' must be an array of events");
                } else {
                    root.set(name, mapper.readTree(parser));
                }
            }
            if (parser.nextToken() != null) {
                throw new InvalidRequestException(Reasons.MALFORMED_JSON, JsonPaths.ROOT, "unexpected content after the JSON object");
            }
            if (events == null) {
                throw new InvalidRequestException(Reasons.INVALID_REQUEST, "$.batch", "a batch request needs a 'batch' array");
            }
            if (events.isEmpty()) {
                throw new InvalidRequestException(Reasons.EMPTY_BATCH, "$.batch", "the batch holds no event");
            }
            return new ParsedRequest(root, events, true);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code POST /v1/track} and the other single-event endpoints: the body is the event. */
    public ParsedRequest parseSingle(byte[] body) throws InvalidRequestException {
        try (JsonParser parser = strict(mapper.createParser(body))) {
            JsonNode node = mapper.readTree(parser);
            if (node != null && parser.nextToken() != null) {
                throw new InvalidRequestException(Reasons.MALFORMED_JSON, JsonPaths.ROOT, "unexpected content after the JSON object");
            }
            if (node == null || !node.isObject()) {
                throw new InvalidRequestException(Reasons.INVALID_REQUEST, JsonPaths.ROOT, "the body must be one event, a JSON object");
            }
            return new ParsedRequest((ObjectNode) node, List.of(new RawEvent(0, JsonPaths.ROOT, node, body)), false);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<RawEvent> readEvents(JsonParser parser, byte[] body) throws IOException {
        List<RawEvent> events = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected end of input in 'batch'");
            }
            int start = (int) parser.currentTokenLocation().getByteOffset();
            JsonNode node = mapper.readTree(parser);
            int end = (int) parser.currentLocation().getByteOffset();
            events.add(new RawEvent(events.size(), node, body, start, end));
        }
        return events;
    }

    /**
     * A key twice in one object is refused: JSON parsers disagree on which value wins (a second {@code "batch"} would
     * silently drop the first array's events), so the request is ambiguous.
     */
    private static JsonParser strict(JsonParser parser) {
        return parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    private static InvalidRequestException malformed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String original = String.valueOf(e.getOriginalMessage());
        if (original.startsWith("Duplicate field")) {
            return new InvalidRequestException(Reasons.DUPLICATE_KEY, JsonPaths.ROOT,
                    "the body has a key twice in one object" + where + " (" + original + "): the request is ambiguous");
        }
        return new InvalidRequestException(Reasons.MALFORMED_JSON, JsonPaths.ROOT,
                "the body is not valid JSON" + where + ": " + (original.length() > 300 ? original.substring(0, 300) : original));
    }
}
