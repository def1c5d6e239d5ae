package io.veltrix.simulator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's table (Markdown), with the machine it ran on, each figure against its goal, and where the CPU went;
 * printed and written into {@code BENCHMARKS.md} between the {@value #START} and {@value #END} markers.
 */
public final class BenchReport {
    public static final String START = "<!-- bench-results:start -->";
    public static final String END = "<!-- bench-results:end -->";

    /** Goals the platform is measured against (never adjusted to the figures). */
    static final double INGEST_SHARE_OF_RAW_GOAL = 0.5;
    /** Ingest's CPU per accepted event at most this many times pulsar-perf's client CPU per message. */
    static final double INGEST_CPU_RATIO_GOAL = 3;
    /** One processor instance drains at least this many events per second (and at least ingest's rate). */
    static final double PROCESSOR_RATE_GOAL = 40_000;
    static final double END_TO_END_P99_GOAL_MILLIS = 250;

    private BenchReport() {
    }

    public static String markdown(BenchResult r, String command) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "### %s run, %s%n%n", r.mode().equals("smoke") ? "Smoke (CI)" : "Full",
                r.machine().date()));
        if (r.mode().equals("smoke")) {
            md.append("_Smoke mode: small loads to prove the suite works; these numbers are not the platform's performance._")
                    .append("\n\n");
        }
        md.append("- Machine: ").append(r.machine().cores()).append(" cores, ")
                .append(String.format(Locale.ROOT, "%.1f GiB RAM", r.machine().memoryGiB())).append(", ")
                .append(r.machine().cpuModel()).append('\n');
        md.append("- JDK: ").append(r.machine().jdk()).append("; OS: ").append(r.machine().os()).append('\n');
        md.append(String.format(Locale.ROOT, "- Load average before the run: %.2f%s%n", r.machine().loadAverage(),
                r.machine().loadAverage() >= 1.0 ? " (**not a quiet machine**: figures distorted)" : ""));
        md.append("- Stack instance: `").append(r.instance()).append("`; command: `").append(command).append("`\n\n");

        md.append("| measurement | result | goal | verdict |\n");
        md.append("| --- | --- | --- | --- |\n");
        BenchResult.Raw raw = r.raw();
        BenchResult.Ingest ingest = r.ingest();
        BenchResult.Processor processor = r.processor();
        BenchResult.EndToEnd e2e = r.endToEnd();
        if (raw != null) {
            row(md, String.format(Locale.ROOT, "Raw Pulsar produce (`pulsar-perf produce`, %d-byte keyed messages, %d s, same broker)",
                    raw.messageBytes(), raw.seconds()),
                    String.format(Locale.ROOT, "**%,.0f msg/s** (%.0f Mbit/s)", raw.messagesPerSecond(), raw.megabitsPerSecond()),
                    "physical reference", "");
        } else {
            row(md, "Raw Pulsar produce (`pulsar-perf produce`)", "not measured", "physical reference", "");
        }
        if (ingest != null) {
            String verdict = "";
            String goal = String.format(Locale.ROOT, "≥ %.0f%% of raw Pulsar", INGEST_SHARE_OF_RAW_GOAL * 100);
            if (raw != null && raw.messagesPerSecond() > 0) {
                double share = ingest.eventsPerSecond() / raw.messagesPerSecond();
                goal = String.format(Locale.ROOT, "≥ %,.0f events/s (%.0f%% of raw)", raw.messagesPerSecond() * INGEST_SHARE_OF_RAW_GOAL,
                        INGEST_SHARE_OF_RAW_GOAL * 100);
                verdict = verdict(share >= INGEST_SHARE_OF_RAW_GOAL, String.format(Locale.ROOT, "%.0f%% of raw", share * 100));
            }
            String warmup = ingest.warmupEvents() == 0 ? "" : String.format(Locale.ROOT, " after %,d of warm-up", ingest.warmupEvents());
            String cold = Double.isNaN(ingest.warmupEventsPerSecond()) ? "" : String.format(Locale.ROOT,
                    "; the warm-up (cold JVM): %,.0f events/s", ingest.warmupEventsPerSecond());
            row(md, String.format(Locale.ROOT, "Ingest → Pulsar: %,d realistic events%s, batches of %d, %d requests outstanding",
                    ingest.events(), warmup, ingest.batchSize(), ingest.concurrency()),
                    String.format(Locale.ROOT, "**%,.0f events/s**; request p50 %.1f ms, p99 %.1f ms%s", ingest.eventsPerSecond(),
                            ingest.p50Millis(), ingest.p99Millis(), cold), goal, verdict);
            if (raw != null && !Double.isNaN(ingest.cpuMicrosPerEvent()) && !Double.isNaN(raw.clientCpuMicrosPerMessage())
                    && raw.clientCpuMicrosPerMessage() > 0) {
                double ratio = ingest.cpuMicrosPerEvent() / raw.clientCpuMicrosPerMessage();
                String coldCpu = Double.isNaN(ingest.warmupCpuMicrosPerEvent()) ? "" : String.format(Locale.ROOT,
                        "; the warm-up (cold JVM) %.1f µs, %.1f ×", ingest.warmupCpuMicrosPerEvent(),
                        ingest.warmupCpuMicrosPerEvent() / raw.clientCpuMicrosPerMessage());
                String jit = "";
                if (!Double.isNaN(ingest.jitMicrosPerEvent()) && !Double.isNaN(raw.clientJitMicrosPerMessage())) {
                    double ingestWithoutJit = ingest.cpuMicrosPerEvent() - ingest.jitMicrosPerEvent();
                    double perfWithoutJit = raw.clientCpuMicrosPerMessage() - raw.clientJitMicrosPerMessage();
                    jit = String.format(Locale.ROOT, "; of which the JIT compiler threads: ingest %.1f µs, pulsar-perf %.1f µs"
                                    + " (without them %.1f vs %.1f µs, %.1f ×)", ingest.jitMicrosPerEvent(),
                            raw.clientJitMicrosPerMessage(), ingestWithoutJit, perfWithoutJit,
                            perfWithoutJit > 0 ? ingestWithoutJit / perfWithoutJit : Double.NaN);
                }
                row(md, "CPU per event: ingest per accepted event vs `pulsar-perf`'s client per message (same broker, same run)",
                        String.format(Locale.ROOT, "**%.1f µs vs %.1f µs** (%.1f ×)%s%s", ingest.cpuMicrosPerEvent(),
                                raw.clientCpuMicrosPerMessage(), ratio, jit, coldCpu),
                        String.format(Locale.ROOT, "≤ %.0f ×", INGEST_CPU_RATIO_GOAL),
                        verdict(ratio <= INGEST_CPU_RATIO_GOAL, String.format(Locale.ROOT, "%.1f ×", ratio)));
            }
        } else {
            row(md, "Ingest → Pulsar", "not measured", "≥ 50% of raw Pulsar", "");
        }
        if (processor != null) {
            boolean fastEnough = processor.drained() && processor.eventsPerSecond() >= PROCESSOR_RATE_GOAL
                    && (ingest == null || processor.eventsPerSecond() >= ingest.eventsPerSecond());
            String ratio = ingest == null ? "" : String.format(Locale.ROOT, "%.2f × ingest's rate",
                    processor.eventsPerSecond() / Math.max(1, ingest.eventsPerSecond()));
            String window = processor.warmupEvents() == 0 ? "first ack → backlog 0" : String.format(Locale.ROOT,
                    "after the first %,d: from the backlog down to the measured part → 0", processor.warmupEvents());
            row(md, String.format(Locale.ROOT, "Processor (one instance) draining a backlog of %,d events (%s, Pulsar admin API)",
                            processor.events(), window),
                    String.format(Locale.ROOT, "**%,.0f events/s** (%.1f s)%s; the whole drain from a cold start %,.0f events/s "
                                    + "(start-up %.1f s before the first ack)%s",
                            processor.eventsPerSecond(), processor.drainSeconds(), ratio.isEmpty() ? "" : "; " + ratio,
                            processor.coldEventsPerSecond(), processor.startupSeconds(), processor.drained() ? "" : "; **did not drain**"),
                    String.format(Locale.ROOT, "≥ %,.0f events/s and ≥ ingest's rate", PROCESSOR_RATE_GOAL),
                    verdict(fastEnough, ratio));
            if (!Double.isNaN(processor.processorCpuMicros())) {
                row(md, "CPU per counted event in that phase (processor, and what every replica shares: PostgreSQL, Pulsar)",
                        String.format(Locale.ROOT, "processor **%.1f µs**, PostgreSQL **%.1f µs**, Pulsar %.1f µs; the whole "
                                        + "drain: processor %.1f µs, of which its JIT compiler %.1f µs",
                                processor.processorCpuMicros(), processor.postgresCpuMicros(), processor.pulsarCpuMicros(),
                                processor.coldProcessorCpuMicros(),
                                processor.jitColdSeconds() * 1e6 / Math.max(1, processor.events() + processor.warmupEvents())),
                        "", "");
            }
            if (!Double.isNaN(processor.postgresBytesPerEvent())) {
                row(md, "PostgreSQL bytes per counted event after the drain (processing schema: tables + indexes, WAL not counted)",
                        String.format(Locale.ROOT, "**%.0f B** (event log %.0f B, aggregates the rest)",
                                processor.postgresBytesPerEvent(), processor.eventLogBytesPerEvent()), "", "");
            }
        } else {
            row(md, "Processor draining the backlog", "not measured", "≥ ingest's rate", "");
        }
        if (e2e != null && e2e.probes() > 0) {
            row(md, String.format(Locale.ROOT, "End to end at %,.0f events/s (ingest accepted → visible through experiments-service), "
                            + "%d probes%s", e2e.targetRate(), e2e.probes(), e2e.warmupSeconds() > 0 ? String.format(Locale.ROOT,
                            ", measured after %.0f s at that rate (their probes in the notes)", e2e.warmupSeconds()) : ""),
                    String.format(Locale.ROOT, "**p50 %.0f ms, p99 %.0f ms** (max %.0f ms%s)", e2e.p50Millis(), e2e.p99Millis(),
                            e2e.maxMillis(), e2e.lostProbes() > 0 ? "; " + e2e.lostProbes() + " probe(s) not accepted or not seen in 30 s" : ""),
                    String.format(Locale.ROOT, "p99 < %.0f ms", END_TO_END_P99_GOAL_MILLIS),
                    verdict(e2e.p99Millis() < END_TO_END_P99_GOAL_MILLIS, ""));
            row(md, String.format(Locale.ROOT, "Load of that phase (open loop, %.0f s)", e2e.seconds()),
                    String.format(Locale.ROOT, "offered %,.0f events/s, accepted %,.0f/s; request p50 %.1f ms, p99 %.1f ms; "
                                    + "backlog at the end %,d", e2e.offeredRate(), e2e.acceptedRate(), e2e.requestP50Millis(),
                            e2e.requestP99Millis(), e2e.backlogAtEnd()),
                    String.format(Locale.ROOT, "%,.0f events/s offered", e2e.targetRate()),
                    verdict(e2e.skippedEvents() == 0 && e2e.offeredRate() >= 0.95 * e2e.targetRate(), ""));
        } else {
            row(md, "End to end (ingest accepted → visible through experiments-service)", "not measured",
                    String.format(Locale.ROOT, "p99 < %.0f ms", END_TO_END_P99_GOAL_MILLIS), "");
        }
        if (!r.memory().isEmpty()) {
            List<String> parts = new ArrayList<>();
            r.memory().forEach((name, m) -> parts.add(String.format(Locale.ROOT, "%s %.0f MiB", name, m.peakMiB())));
            row(md, "Resident memory (VmRSS, peak) during the end-to-end phase", String.join(", ", parts), "", "");
        }
        md.append('\n');

        if (!r.cpu().isEmpty()) {
            md.append("Where the CPU went (share of the machine's capacity, all cores, per phase):\n\n");
            Set<String> columns = new LinkedHashSet<>();
            r.cpu().values().forEach(shares -> columns.addAll(shares.keySet()));
            for (String last : List.of("others", "idle")) { // the processes first, then the rest of the machine
                if (columns.remove(last)) {
                    columns.add(last);
                }
            }
            md.append("| phase |");
            columns.forEach(c -> md.append(' ').append(c).append(" |"));
            md.append('\n').append("| --- |");
            columns.forEach(c -> md.append(" ---: |"));
            md.append('\n');
            for (Map.Entry<String, Map<String, Double>> phase : r.cpu().entrySet()) {
                md.append("| ").append(phase.getKey()).append(" |");
                for (String column : columns) {
                    double share = phase.getValue().getOrDefault(column, 0.0);
                    md.append(String.format(Locale.ROOT, " %.0f%% |", share * 100));
                }
                md.append('\n');
            }
            md.append('\n');
        }
        if (!r.notes().isEmpty()) {
            md.append("Notes:\n\n");
            r.notes().forEach(n -> md.append("- ").append(n.replace('\n', ' ')).append('\n'));
            md.append('\n');
        }
        return md.toString();
    }

    private static String verdict(boolean met, String detail) {
        return (met ? "met" : "**MISSED**") + (detail.isEmpty() ? "" : " (" + detail + ")");
    }

    private static void row(StringBuilder md, String what, String result, String goal, String verdict) {
        md.append("| ").append(what).append(" | ").append(result).append(" | ").append(goal).append(" | ").append(verdict)
                .append(" |\n");
    }

    /** Replaces the results section of {@code file} (between the markers), or appends one. */
    public static void writeInto(Path file, String markdown) throws IOException {
        String section = START + "\n" + markdown.stripTrailing() + "\n" + END;
        String text = Files.isRegularFile(file) ? Files.readString(file) : "# Benchmarks\n\n";
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        if (start >= 0 && end > start) {
            text = text.substring(0, start) + section + text.substring(end + END.length());
        } else {
            text = text.stripTrailing() + "\n\n" + section + "\n";
        }
        Files.writeString(file, text);
    }
}
