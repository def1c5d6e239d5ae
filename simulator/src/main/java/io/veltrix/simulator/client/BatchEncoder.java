package io.veltrix.simulator.client;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.veltrix.simulator.game.Device;
import io.veltrix.simulator.game.GameEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Writes a Segment {@code /v1/batch} body the way mobile analytics SDKs do: every message with its
 * {@code messageId}, {@code timestamp} (when it happened on the device) and {@code context} (library, app, os,
 * device, locale, timezone), and the batch's {@code sentAt} (when it left the device), from which ingest corrects
 * the device's clock skew.
 */
public final class BatchEncoder {

    /** How the simulator names itself in {@code context.library}. */
    public static final String LIBRARY = "veltrix-simulator";
    public static final String LIBRARY_VERSION = "0.1.0";
    static final String APP_NAME = "Treasure Hunt";
    static final String APP_VERSION = "2.7.1";

    /** Where {@code sentAt}'s value starts in every body: it is the first field, so that it can be set at sending. */
    private static final String SENT_AT_FIELD = "{\"sentAt\":\"";
    private static final DateTimeFormatter SENT_AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** The width of {@code sentAt}'s value (always with milliseconds, so that a new one fits in its place). */
    private static final int SENT_AT_WIDTH = 24;

    private final JsonFactory json = new JsonFactory();

    public byte[] encode(List<GameEvent> events, Instant sentAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 700 + 64);
        try (JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("sentAt", SENT_AT.format(sentAt));
            g.writeArrayFieldStart("batch");
            for (GameEvent event : events) {
                writeEvent(g, event);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Sets the {@code sentAt} of a body this encoder wrote (in place: a batch encoded before the clock started gets
     * the time it actually leaves, from which ingest corrects the clock skew).
     */
    public static byte[] stampSentAt(byte[] body, Instant sentAt) {
        byte[] value = SENT_AT.format(sentAt).getBytes(StandardCharsets.US_ASCII);
        if (value.length != SENT_AT_WIDTH) {
            throw new IllegalArgumentException("sentAt out of the encoder's range: " + sentAt);
        }
        System.arraycopy(value, 0, body, SENT_AT_FIELD.length(), SENT_AT_WIDTH);
        return body;
    }

    private static void writeEvent(JsonGenerator g, GameEvent event) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", event.type());
        if (event.isTrack()) {
            g.writeStringField("event", event.event());
        }
        g.writeStringField("userId", event.playerId());
        g.writeStringField("messageId", event.messageId());
        g.writeStringField("timestamp", iso(event.timestamp()));
        if (event.type().equals("screen")) {
            // a screen call carries its name at the top level (the latency probe of the benchmark)
            Object name = event.properties().get("name");
            if (name != null) {
                g.writeStringField("name", name.toString());
            }
        }
        g.writeFieldName(event.isTrack() || event.type().equals("screen") ? "properties" : "traits");
        writeMap(g, event.properties());
        writeContext(g, event.device());
        g.writeEndObject();
    }

    private static void writeContext(JsonGenerator g, Device device) throws IOException {
        g.writeObjectFieldStart("context");
        g.writeObjectFieldStart("library");
        g.writeStringField("name", LIBRARY);
        g.writeStringField("version", LIBRARY_VERSION);
        g.writeEndObject();
        if (device != null) {
            g.writeObjectFieldStart("app");
            g.writeStringField("name", APP_NAME);
            g.writeStringField("version", APP_VERSION);
            g.writeEndObject();
            g.writeObjectFieldStart("os");
            g.writeStringField("name", device.osName());
            g.writeStringField("version", device.osVersion());
            g.writeEndObject();
            g.writeObjectFieldStart("device");
            g.writeStringField("model", device.model());
            g.writeStringField("type", device.deviceType());
            g.writeEndObject();
            g.writeStringField("locale", device.locale());
            g.writeStringField("timezone", device.timezone());
        }
        g.writeEndObject();
    }

    private static void writeMap(JsonGenerator g, Map<String, Object> values) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof String s) {
                g.writeStringField(entry.getKey(), s);
            } else if (value instanceof Integer i) {
                g.writeNumberField(entry.getKey(), i);
            } else if (value instanceof Long l) {
                g.writeNumberField(entry.getKey(), l);
            } else if (value instanceof Double d) {
                g.writeNumberField(entry.getKey(), d);
            } else if (value instanceof Boolean b) {
                g.writeBooleanField(entry.getKey(), b);
            } else if (value == null) {
                g.writeNullField(entry.getKey());
            } else {
                g.writeStringField(entry.getKey(), value.toString());
            }
        }
        g.writeEndObject();
    }

    /** ISO-8601 in UTC with milliseconds, as SDKs write it. */
    static String iso(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
