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
        probe.seen(start + 1_000 * MS, 3_400 * MS, 10 * MS); // a stall at the start
        probe.seen(start + 5_000 * MS, 80 * MS, 10 * MS);
        probe.seen(start + 12_000 * MS, 60 * MS, 10 * MS);
        probe.seen(start + 35_000 * MS, 70 * MS, 10 * MS); // nothing seen in 20-30 s
        // (the histogram keeps three significant digits: 3,400 ms reads back as 3,402)
        assertEquals("0-10 s: 2 probes, p50 80 ms, max 3,402 ms; 10-20 s: 1 probes, p50 60 ms, max 60 ms; "
                + "30-40 s: 1 probes, p50 70 ms, max 70 ms", probe.bySlice(start, Duration.ofSeconds(10)));
        assertEquals(4, probe.latencies().count());
    }

    @Test
    void measuresTheProbesOfAWindowApartFromTheWarmUpBeforeIt() {
        LatencyProbe probe = new LatencyProbe("http://127.0.0.1:1", "token", "t");
        long start = 1_000_000_000L;
        probe.seen(start + 1_000 * MS, 2_000 * MS, 10 * MS); // the warm-up: the drain's aftermath
        probe.seen(start + 19_999 * MS, 900 * MS, 10 * MS);
        probe.seen(start + 20_000 * MS, 60 * MS, 10 * MS); // the measured window opens at 20 s
        probe.seen(start + 50_000 * MS, 90 * MS, 10 * MS);
        probe.seen(start + 80_000 * MS, 70 * MS, 10 * MS); // after the window

        var warmUp = probe.latencies(start, start + 20_000 * MS);
        var measured = probe.latencies(start + 20_000 * MS, start + 80_000 * MS);
        assertEquals(2, warmUp.count());
        assertEquals(2, measured.count());
        assertEquals(90, measured.max(), 1);
        // from the batch's sending: ingest's 10 ms answer included
        assertEquals(100, probe.latenciesFromSend(start + 20_000 * MS, start + 80_000 * MS).max(), 1);
        assertEquals(5, probe.latencies().count());
    }
}
