package io.veltrix.ingest.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.OffsetDateTime;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The hand-written reading of the common form agrees with java.time; values out of range are refused, never overflow. */
class TimestampsTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-26T10:15:30Z", "2026-11-26T10:15:30.1Z", "2026-11-26T10:15:30.12Z",
            "2026-11-26T10:15:30.123Z", "2026-11-26T10:15:30.123456789Z", "1970-01-01T00:00:00.000Z",
            "1969-12-31T23:59:59.999Z", "2024-02-29T23:59:59Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z",
            "2026-11-26T10:15:30+02:00", "2026-11-26T10:15:30.5-05:30"})
    void readsWhatJavaTimeReads(String text) throws Exception {
        assertEquals(OffsetDateTime.parse(text).toInstant().toEpochMilli(), Timestamps.parse(text));
    }

    @Test
    void agreesWithJavaTimeOnRandomInstants() throws Exception {
        for (int i = 0; i < 10_000; i++) {
            long millis = ThreadLocalRandom.current().nextLong(Timestamps.MIN_MILLIS, Timestamps.MAX_MILLIS);
            String text = java.time.Instant.ofEpochMilli(millis).toString();
            if (text.startsWith("+") || text.startsWith("-")) {
                continue;
            }
            assertEquals(millis, Timestamps.parse(text), text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"+300000000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
            "2026-02-30T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26 10:15:30Z", "2026-11-26T10:15:30", "",
            "0000-12-31T23:59:59Z", "１９７０-01-01T00:00:00Z"})
    void refusesWhatIsNotADateTimeInTheYears1To9999(String text) {
        assertThrows(Timestamps.InvalidTimestampException.class, () -> Timestamps.parse(text));
    }

    @Test
    void refusesEpochMillisOutOfRange() {
        assertThrows(Timestamps.InvalidTimestampException.class, () -> Timestamps.checkRange(Long.MAX_VALUE));
        assertThrows(Timestamps.InvalidTimestampException.class, () -> Timestamps.checkRange(Long.MIN_VALUE));
    }
}
