package io.veltrix.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    private static BenchResult result(double ingestRate, double processorRate, double e2eP99) {
        Map<String, Map<String, Double>> cpu = new LinkedHashMap<>();
        Map<String, Double> shares = new LinkedHashMap<>();
        shares.put("ingest", 0.4);
        shares.put("pulsar", 0.3);
        shares.put("others", 0.1);
        cpu.put("ingest", shares);
        return new BenchResult(new MachineInfo(2, 23.4, "Some CPU", "JDK 17", "Linux", "2026-11-26 10:00 UTC", 0.2),
                "full", "bench",
                new BenchResult.Raw(380, 30, 100_000, 300, 5, 50, 5.0, 1.0),
                new BenchResult.Ingest(1_000_000, 100, 16, 50, ingestRate, 30, 90, 0, 0, 1e6 / ingestRate, 300_000, ingestRate / 2,
                        2e6 / ingestRate, 0.1e6 / ingestRate),
                new BenchResult.Processor(1_000_000, 4, 1_000_000 / processorRate, processorRate, true, 20, 12, 6, 210, 150,
                        300_000, processorRate / 2, 40, 9, 0.5),
                new BenchResult.EndToEnd(5000, 5000, 5000, 60, 400, 0, 120, e2eP99, e2eP99 + 10, 8, 20, 0, 0, 0),
                Map.of("ingest", new BenchResult.Memory(400, 350)), cpu, List.of("a note"));
    }

    @Test
    void saysWhichGoalsAreMetAndWhichAreMissed() {
        String md = BenchReport.markdown(result(60_000, 30_000, 400), "./veltrix bench");
        assertTrue(md.contains("**100,000 msg/s**"), md);
        assertTrue(md.contains("**60,000 events/s**"), md);
        assertTrue(md.contains("met (60% of raw)"), md);
        // 16.7 µs per event against pulsar-perf's 5 µs
        assertTrue(md.contains("**16.7 µs vs 5.0 µs** (3.3 ×); of which the JIT compiler threads: ingest 1.7 µs, pulsar-perf 1.0 µs "
                + "(without them 15.0 vs 4.0 µs, 3.8 ×); the warm-up (cold JVM) 33.3 µs, 6.7 × | ≤ 3 × | **MISSED** (3.3 ×)"), md);
        assertTrue(md.contains("1,000,000 realistic events after 300,000 of warm-up"), md);
        assertTrue(md.contains("the warm-up (cold JVM): 30,000 events/s"), md);
        assertTrue(md.contains("**30,000 events/s** (33.3 s); 0.50 × ingest's rate; the whole drain from a cold start 15,000 events/s"), md);
        assertTrue(md.contains("the whole drain: processor 40.0 µs, of which its JIT compiler 6.9 µs"), md);
        assertTrue(md.contains("**MISSED** (0.50 × ingest's rate)"), md);
        assertTrue(md.contains("processor **20.0 µs**, PostgreSQL **12.0 µs**, Pulsar 6.0 µs"), md);
        assertTrue(md.contains("**210 B** (event log 150 B"), md);
        assertTrue(md.contains("**p50 120 ms, p99 400 ms**"), md);
        assertTrue(md.contains("p99 < 250 ms | **MISSED**"), md);
        assertTrue(md.contains("| ingest | 40% |"), md);
        assertTrue(md.contains("- a note"), md);
        String slow = BenchReport.markdown(result(20_000, 45_000, 200), "./veltrix bench");
        assertTrue(slow.contains("**MISSED** (20% of raw)"), slow);
        assertTrue(slow.contains("(10.0 ×); of which the JIT compiler threads: ingest 5.0 µs, pulsar-perf 1.0 µs (without them 45.0 vs 4.0 µs, 11.3 ×); the warm-up (cold JVM) 100.0 µs, 20.0 × | ≤ 3 × | **MISSED** (10.0 ×)"), slow);
        assertTrue(slow.contains("met (2.25 × ingest's rate)"), slow);
        assertTrue(slow.contains("p99 < 250 ms | met"), slow);
        // fast enough for ingest, but not the 40,000 events/s
        assertTrue(BenchReport.markdown(result(20_000, 30_000, 200), "x").contains("**MISSED** (1.50 × ingest's rate)"));
    }

    @Test
    void replacesOnlyItsSectionOfTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("BENCHMARKS.md");
        Files.writeString(file, "# Benchmarks\n\nmethod text\n\n" + BenchReport.START + "\nold\n" + BenchReport.END + "\n\ntail\n");
        BenchReport.writeInto(file, "new table\n");
        assertEquals("# Benchmarks\n\nmethod text\n\n" + BenchReport.START + "\nnew table\n" + BenchReport.END + "\n\ntail\n",
                Files.readString(file));
    }

    @Test
    void parsesPulsarPerf() {
        List<String> lines = List.of(
                "... --- Publish throughput: 54568.03 msg/s --- 166.53 Mbit/s --- Latency: med: 8.000 ms",
                "... --- Publish throughput: 158947.95 msg/s --- 485.07 Mbit/s --- Latency: med: 355.000 ms",
                "... --- Publish throughput: 150000.00 msg/s --- 450.00 Mbit/s --- Latency: med: 355.000 ms",
                "... --- Publish throughput: 144137.29 msg/s --- 439.87 Mbit/s --- Latency: med: 701.000 ms",
                "... Aggregated throughput stats --- 372007 records sent --- 37178.281 msg/s --- 113.459 Mbit/s",
                "... Aggregated latency stats --- Latency: mean: 472.123 ms - med: 386.477 - 95pct: 826.195 - 99pct: 838.659 - 99.9pct: 1");
        PulsarPerf.Result result = PulsarPerf.parse(lines, Duration.ofSeconds(3)).orElseThrow();
        assertEquals((158947.95 + 150000.00) / 2, result.messagesPerSecond(), 0.01);
        assertEquals(372007, result.records());
        assertEquals(386.477, result.p50Millis(), 1e-9);
        assertEquals(838.659, result.p99Millis(), 1e-9);
    }

    @Test
    void readsThisProcessFromProc() {
        long pid = ProcessHandle.current().pid();
        assertTrue(ProcessStats.rssMiB(pid).orElseThrow() > 10);
        assertTrue(ProcessStats.cpuSeconds(pid) > 0);
        MachineInfo machine = MachineInfo.current();
        assertTrue(machine.cores() >= 1 && machine.memoryGiB() > 0 && !machine.cpuModel().isBlank(), machine.describe());
    }
}
