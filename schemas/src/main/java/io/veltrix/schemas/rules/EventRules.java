package io.veltrix.schemas.rules;

import java.time.Duration;
import java.time.Instant;
import io.veltrix.schemas.EventLayout;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * The rules an event obeys to be counted, beyond what its Avro schema says: applied by ingest before it answers
 * {@code accepted} and by the processor before it counts the event, with this one piece of code, so that an
 * accepted event is a counted event (a processor-stage refusal of a single event is a bug, not a path).
 *
 * <ul>
 *   <li>ids: the player id, the event id and the source are not blank; no text the pipeline stores or keys by
 *       contains U+0000 (PostgreSQL cannot store it) or a lone UTF-16 surrogate (Avro would turn it into '?', so
 *       two different ids could collide);</li>
 *   <li>time: {@code occurred_at} is at most {@code maxFutureSkew} after {@code received_at} and at most
 *       {@code maxEventAge} before it; {@code received_at} itself is not in the future of the checker;</li>
 *   <li>numbers: every numeric property is finite and inside the range the aggregates can hold: the range the
 *       schema declares on the field ({@value #MINIMUM} / {@value #MAXIMUM}), else ±{@value #DEFAULT_MAGNITUDE}
 *       (its square, summed over 10^12 events, is still far from the largest double).</li>
 * </ul>
 *
 * <p>Works on the Avro record of an event ({@code envelope} + {@code properties}) in any version of its schema:
 * the one ingest builds (strings as {@link String}) and the one the processor decodes (strings as {@link Utf8}),
 * through its {@link EventLayout} (field positions and numeric ranges, computed once per schema instance).
 */
public final class EventRules {

    /** Schema field property: the smallest value a numeric property may take. */
    public static final String MINIMUM = "veltrix.minimum";
    /** Schema field property: the largest value a numeric property may take. */
    public static final String MAXIMUM = "veltrix.maximum";
    /** The range of a numeric property whose schema declares none: ±10^15 (exact integers in a double up to 2^53). */
    public static final double DEFAULT_MAGNITUDE = 1e15;

    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(1);
    public static final Duration DEFAULT_MAX_EVENT_AGE = Duration.ofDays(30);

    /** The event has no player id (userId or anonymousId), or only white space. */
    public static final String MISSING_IDENTITY = "missing_identity";
    /** The event has no event id or no source: it could not be counted exactly once. */
    public static final String MISSING_EVENT_ID = "missing_event_id";
    /** A text contains U+0000 or a lone UTF-16 surrogate. */
    public static final String INVALID_CHARACTER = "invalid_character";
    /** occurred_at is later than received_at plus the allowed clock skew (or received_at is in the future). */
    public static final String TIMESTAMP_IN_FUTURE = "timestamp_in_future";
    /** occurred_at is older than received_at minus the allowed event age. */
    public static final String TIMESTAMP_TOO_OLD = "timestamp_too_old";
    /** A numeric property is NaN or infinite. */
    public static final String INVALID_NUMBER = "invalid_number";
    /** A numeric property is outside the range its schema declares (or the default range). */
    public static final String NUMBER_OUT_OF_RANGE = "number_out_of_range";

    /** The JSON paths of the envelope's ids, in the order check() looks at them. */
    private static final String[] ID_PATHS = {"$.messageId", "$.userId", "$.userId", "$.anonymousId", "$.writeKey"};

    private final Duration maxFutureSkew;
    private final Duration maxEventAge;

    public EventRules(Duration maxFutureSkew, Duration maxEventAge) {
        this.maxFutureSkew = maxFutureSkew;
        this.maxEventAge = maxEventAge;
    }

    public static EventRules defaults() {
        return new EventRules(DEFAULT_MAX_FUTURE_SKEW, DEFAULT_MAX_EVENT_AGE);
    }

    public Duration maxFutureSkew() {
        return maxFutureSkew;
    }

    public Duration maxEventAge() {
        return maxEventAge;
    }

    /**
     * The first rule the event breaks, or empty.
     *
     * @param event an event record: {@code envelope} and, when the event type has any, {@code properties}
     * @param now   the checker's clock (received_at may not lie beyond it)
     * @throws IllegalArgumentException when the record is not an event (no envelope with the required fields)
     */
    public Optional<RuleViolation> check(GenericRecord event, Instant now) {
        EventLayout layout = EventLayout.of(event.getSchema());
        GenericRecord envelope = (GenericRecord) event.get(layout.envelope());
        if (envelope == null) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no envelope");
        }
        EventLayout.Envelope e = layout.envelopeFields();
        if (blank(envelope.get(e.playerId()))) {
            return violation(MISSING_IDENTITY, "$.userId", "the event has no player id (userId or anonymousId)");
        }
        if (blank(envelope.get(e.eventId())) || blank(envelope.get(e.sourceId()))) {
            return violation(MISSING_EVENT_ID, "$.messageId",
                    "the event has no event id or no source: it could not be counted exactly once");
        }
        int[] ids = {e.eventId(), e.playerId(), e.userId(), e.anonymousId(), e.sourceId()};
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= 0) {
                Optional<RuleViolation> text = text(envelope.get(ids[i]), ID_PATHS[i]);
                if (text.isPresent()) {
                    return text;
                }
            }
        }
        Optional<RuleViolation> time = time(millis(envelope.get(e.occurredAt())), millis(envelope.get(e.receivedAt())), now);
        if (time.isPresent() || layout.properties() < 0) {
            return time;
        }
        if (!(event.get(layout.properties()) instanceof GenericRecord properties)) {
            return Optional.empty();
        }
        for (EventLayout.TextField field : layout.texts()) {
            Optional<RuleViolation> text = text(properties.get(field.position()), field.path());
            if (text.isPresent()) {
                return text;
            }
        }
        for (EventLayout.NumericField field : layout.numbers()) {
            if (properties.get(field.position()) instanceof Number number) {
                Optional<RuleViolation> range = number(field, number);
                if (range.isPresent()) {
                    return range;
                }
            }
        }
        return Optional.empty();
    }

    /** The time rules alone (ingest reports them with the path of the timestamp the client sent). */
    public Optional<RuleViolation> time(long occurredAtMillis, long receivedAtMillis, Instant now) {
        Instant occurred = Instant.ofEpochMilli(occurredAtMillis);
        Instant received = Instant.ofEpochMilli(receivedAtMillis);
        if (received.isAfter(now.plus(maxFutureSkew))) {
            return violation(TIMESTAMP_IN_FUTURE, "$.receivedAt", "the event claims to have been received at "
                    + received + ", after now (" + now + ") plus " + maxFutureSkew);
        }
        if (occurred.isAfter(received.plus(maxFutureSkew))) {
            return violation(TIMESTAMP_IN_FUTURE, "$.timestamp", "the event would have happened at " + occurred
                    + ", more than " + maxFutureSkew + " after it was received (" + received + ")");
        }
        if (occurred.isBefore(received.minus(maxEventAge))) {
            return violation(TIMESTAMP_TOO_OLD, "$.timestamp", "the event happened at " + occurred
                    + ", more than " + maxEventAge + " before it was received (" + received + ")");
        }
        return Optional.empty();
    }

    /** The range a numeric field of a schema may take: what it declares, else the default. */
    public static double[] range(Schema.Field field) {
        double min = number(field.getObjectProp(MINIMUM), -DEFAULT_MAGNITUDE);
        double max = number(field.getObjectProp(MAXIMUM), DEFAULT_MAGNITUDE);
        return new double[] {Math.max(min, -DEFAULT_MAGNITUDE), Math.min(max, DEFAULT_MAGNITUDE)};
    }

    /** Whether the schema (of a field, possibly a union with null) holds a plain number (not a timestamp). */
    public static boolean isNumeric(Schema schema) {
        switch (schema.getType()) {
            case INT:
            case LONG:
            case FLOAT:
            case DOUBLE:
                return schema.getLogicalType() == null;
            case UNION:
                for (Schema branch : schema.getTypes()) {
                    if (isNumeric(branch)) {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }

    private static Optional<RuleViolation> number(EventLayout.NumericField field, Number number) {
        double value = number.doubleValue();
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return violation(INVALID_NUMBER, field.path(), field.name() + " is " + value + ": only finite numbers can be counted");
        }
        if (value < field.min() || value > field.max()) {
            return violation(NUMBER_OUT_OF_RANGE, field.path(), field.name() + " is " + number + ", outside [" + plain(field.min())
                    + ", " + plain(field.max()) + "]");
        }
        return Optional.empty();
    }

    private static Optional<RuleViolation> text(Object value, String path) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Utf8 utf8) {
            // decoded from Avro: valid UTF-8 (no surrogates); only U+0000 can be in there
            byte[] bytes = utf8.getBytes();
            for (int i = 0, n = utf8.getByteLength(); i < n; i++) {
                if (bytes[i] == 0) {
                    return nul(path);
                }
            }
            return Optional.empty();
        }
        CharSequence text = (CharSequence) value;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return nul(path);
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return violation(INVALID_CHARACTER, path, "the value contains a lone UTF-16 surrogate (U+"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + "), which is not a character");
            }
        }
        return Optional.empty();
    }

    private static Optional<RuleViolation> nul(String path) {
        return violation(INVALID_CHARACTER, path, "the value contains the character U+0000");
    }

    private static boolean blank(Object value) {
        if (value == null) {
            return true;
        }
        if (value instanceof Utf8 utf8) {
            if (utf8.getByteLength() == 0) {
                return true;
            }
            byte first = utf8.getBytes()[0];
            // the common case, an id starting with a letter or digit, without decoding it
            if (first > ' ' && first < 0x7f) {
                return false;
            }
        }
        return value.toString().isBlank();
    }

    private static long millis(Object value) {
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Instant instant) {
            return instant.toEpochMilli();
        }
        throw new IllegalArgumentException("not a timestamp-millis value: " + value);
    }

    private static double number(Object value, double otherwise) {
        return value instanceof Number n ? n.doubleValue() : otherwise;
    }

    private static String plain(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e18 ? Long.toString((long) value) : Double.toString(value);
    }

    private static Optional<RuleViolation> violation(String reason, String path, String message) {
        return Optional.of(new RuleViolation(reason, path, message));
    }
}
