package io.veltrix.systemtests.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.testing.RealStackResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The benchmark suite's smoke mode ({@code ./veltrix bench --smoke}) on the test stack, so the suite cannot rot:
 * every phase runs and the table has plausible, non-zero figures. It asserts no performance threshold: the machine
 * is shared and the loads are small.
 */
class BenchmarkSmokeTest {

    @Test
    void theSmokeRunPrintsACompleteTable() throws Exception {
        RealStackResource.TestStack.get();
        Path dir = Files.createTempDirectory("bench-smoke");
        Path markdown = dir.resolve("BENCHMARKS.md");
        SimulatorProcess.Outcome outcome = SimulatorProcess.run(List.of("bench", "--smoke", "--instance", "test",
                        "--output", markdown.toString()), Map.of(), Duration.ofMinutes(8), dir.resolve("bench.log"));
        assertEquals(0, outcome.exitCode(), outcome.output());
        String table = Files.readString(markdown);
        assertTrue(table.contains("Machine: "), table);

        assertTrue(number(table, "Raw Pulsar produce[^|]*\\| \\*\\*([0-9,]+) msg/s") > 0, table);
        assertTrue(number(table, "Ingest → Pulsar: ([0-9,]+) realistic events") > 0, table);
        assertTrue(number(table, "Ingest → Pulsar[^|]*\\| \\*\\*([0-9,]+) events/s") > 0, table);
        assertTrue(number(table, "Processor[^|]*draining[^|]*\\| \\*\\*([0-9,]+) events/s") > 0, table);
        assertTrue(!table.contains("did not drain"), table);
        assertTrue(number(table, "End to end at [0-9,]+ events/s[^|]*, ([0-9]+) probes") > 0, table);
        assertTrue(number(table, "\\*\\*p50 ([0-9,]+) ms") > 0, table);
        assertTrue(number(table, "p99 ([0-9,]+) ms\\*\\*") > 0, table);
        for (String service : List.of("ingest", "processor", "experiments")) {
            assertTrue(number(table, service + " ([0-9,]+) MiB") > 50, service + " RSS in\n" + table);
        }
        assertTrue(table.contains("| end to end |"), "CPU per phase\n" + table);
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex);
        return Long.parseLong(m.group(1).replace(",", ""));
    }
}
