package io.veltrix.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyProbeTest {

    private static final long MS = 1_000_000L;

    @Test
    void saysInWhichPartOfThePhaseTheTailWas() {
        LatencyProbe probe = new LatencyProbe("http://127.0.0.1:1", "token", "t");
        long start = 1_000_000_000L;
        probe.seen(start + 1_000 * MS, 3_400 * MS); // a stall at the start
        probe.seen(start + 5_000 * MS, 80 * MS);
        probe.seen(start + 12_000 * MS, 60 * MS);
        probe.seen(start + 35_000 * MS, 70 * MS); // nothing seen in 20-30 s
        // (the histogram keeps three significant digits: 3,400 ms reads back as 3,402)
        assertEquals("0-10 s: 2 probes, p50 80 ms, max 3,402 ms; 10-20 s: 1 probes, p50 60 ms, max 60 ms; "
                + "30-40 s: 1 probes, p50 70 ms, max 70 ms", probe.bySlice(start, Duration.ofSeconds(10)));
        assertEquals(4, probe.latencies().count());
    }
}
