package io.veltrix.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrSummaryTest {

    @Test
    void namesTheHottestMethodsOfARecording(@TempDir Path logs) throws Exception {
        try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            long deadline = System.nanoTime() + 1_500_000_000L;
            double sink = 0;
            while (System.nanoTime() < deadline) {
                sink += busy();
            }
            recording.stop();
            recording.dump(logs.resolve("bench-ingest-service.jfr"));
            assertTrue(sink != 0);
        }
        List<String> lines = JfrSummary.summarize(logs, List.of("ingest-service", "processor-service"));
        assertEquals(1, lines.size(), "only the services with a recording");
        assertTrue(lines.get(0).startsWith("Profile of ingest-service ("), lines.get(0));
        assertTrue(lines.get(0).contains("top methods `"), lines.get(0));
    }

    private static double busy() {
        double x = 0;
        for (int i = 1; i < 10_000; i++) {
            x += Math.sqrt(i) / i;
        }
        return x;
    }
}
