package io.veltrix.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    @Test
    void readsTheUsualForms() {
        DurationConverter c = new DurationConverter();
        assertEquals(Duration.ofSeconds(90), c.convert("90"));
        assertEquals(Duration.ofSeconds(90), c.convert("90s"));
        assertEquals(Duration.ofMinutes(5), c.convert("5m"));
        assertEquals(Duration.ofHours(1), c.convert("1h"));
        assertEquals(Duration.ofMillis(250), c.convert("250ms"));
        assertEquals(Duration.ofSeconds(30), c.convert("PT30S"));
        assertEquals(Duration.ZERO, c.convert("0"));
        assertThrows(TypeConversionException.class, () -> c.convert("soon"));
    }
}
