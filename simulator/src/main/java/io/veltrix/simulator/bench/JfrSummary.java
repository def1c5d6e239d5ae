package io.veltrix.simulator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a service spent its CPU ({@code --profile}): the services ran with Java Flight Recorder; this reads each
 * recording's execution samples and names the methods most often on top of the stack (self time), and the
 * packages they belong to.
 */
final class JfrSummary {
    private static final int TOP = 8;

    private JfrSummary() {
    }

    static List<String> summarize(Path logsDir, List<String> modules) {
        List<String> lines = new ArrayList<>();
        for (String module : modules) {
            Path file = logsDir.resolve("bench-" + module + ".jfr");
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                lines.add(summarize(module, file));
            } catch (IOException | RuntimeException e) {
                lines.add("Profile of " + module + ": cannot read " + file + " (" + e.getMessage() + ")");
            }
        }
        return lines;
    }

    private static String summarize(String module, Path file) throws IOException {
        Map<String, Integer> methods = new HashMap<>();
        Map<String, Integer> packages = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace trace = event.getStackTrace();
            if (trace == null || trace.getFrames().isEmpty()) {
                continue;
            }
            RecordedFrame top = trace.getFrames().get(0);
            String type = top.getMethod().getType().getName();
            methods.merge(type + "." + top.getMethod().getName(), 1, Integer::sum);
            int dot = type.lastIndexOf('.');
            packages.merge(dot > 0 ? type.substring(0, dot) : type, 1, Integer::sum);
            samples++;
        }
        StringBuilder text = new StringBuilder("Profile of " + module + " (" + samples + " CPU samples, "
                + file.getFileName() + "): top methods ");
        append(text, methods, samples);
        text.append("; top packages ");
        append(text, packages, samples);
        return text.toString();
    }

    private static void append(StringBuilder text, Map<String, Integer> counts, int total) {
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Integer> entry : sorted.subList(0, Math.min(TOP, sorted.size()))) {
            parts.add(String.format(Locale.ROOT, "`%s` %.0f%%", entry.getKey(), 100.0 * entry.getValue() / Math.max(1, total)));
        }
        text.append(String.join(", ", parts));
    }
}
