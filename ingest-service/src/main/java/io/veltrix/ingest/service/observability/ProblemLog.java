package io.veltrix.ingest.service.observability;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.veltrix.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Quiet logs that still say what goes wrong: instead of a line per event, one structured line per problem class
 * and interval ({@code veltrix.ingest.problem-log-interval}) with counts, and nothing when all went well.
 *
 * <pre>
 * problem=events_rejected count=42 interval=PT1M by_reason={unknown_property=30, wrong_type=12} by_event_type={clue_found=42} details=GET /admin/v1/rejections/summary
 * problem=requests_refused count=3 interval=PT1M by_reason={unauthorized=3}
 * problem=events_not_persisted count=120 interval=PT1M by_error={TimeoutException=120} (Pulsar did not acknowledge; clients were answered 503)
 * </pre>
 */
@ApplicationScoped
public class ProblemLog {

    /** At most this many keys per map in a line; the rest is summed as {@code others}. */
    static final int TOP = 10;

    enum Problem {
        EVENTS_REJECTED("events_rejected", "by_reason", "by_event_type", "details=GET /admin/v1/rejections/summary"),
        REQUESTS_REFUSED("requests_refused", "by_reason", "by_status", null),
        EVENTS_NOT_PERSISTED("events_not_persisted", "by_error", "by_event_type",
                "(Pulsar did not acknowledge; clients were answered 503 with Retry-After)");

        final String name;
        final String first;
        final String second;
        final String note;

        Problem(String name, String first, String second, String note) {
            this.name = name;
            this.first = first;
            this.second = second;
            this.note = note;
        }
    }

    /** Counts of one problem class over one interval, by two dimensions. */
    static final class Counts {
        final Map<String, LongAdder> first = new ConcurrentHashMap<>();
        final Map<String, LongAdder> second = new ConcurrentHashMap<>();

        void add(String a, String b) {
            first.computeIfAbsent(a == null ? "unknown" : a, k -> new LongAdder()).increment();
            second.computeIfAbsent(b == null ? "unknown" : b, k -> new LongAdder()).increment();
        }

        /** Takes the counts and resets them; counts added meanwhile land in this or the next interval, never lost. */
        Map<String, Long>[] drain() {
            @SuppressWarnings("unchecked")
            Map<String, Long>[] maps = new Map[] {drain(first), drain(second)};
            return maps;
        }

        private static Map<String, Long> drain(Map<String, LongAdder> counts) {
            Map<String, Long> snapshot = new LinkedHashMap<>();
            counts.forEach((k, v) -> {
                long n = v.sumThenReset();
                if (n > 0) {
                    snapshot.put(k, n);
                }
            });
            return snapshot;
        }
    }

    private final Duration interval;
    private final Map<Problem, Counts> counts = new ConcurrentHashMap<>();

    public ProblemLog(IngestConfig config) {
        this.interval = config.problemLogInterval();
        for (Problem problem : Problem.values()) {
            counts.put(problem, new Counts());
        }
    }

    public void rejected(String eventType, String reason) {
        counts.get(Problem.EVENTS_REJECTED).add(reason, eventType);
    }

    public void refused(String reason, int status) {
        counts.get(Problem.REQUESTS_REFUSED).add(reason, Integer.toString(status));
    }

    public void notPersisted(String eventType, String error) {
        counts.get(Problem.EVENTS_NOT_PERSISTED).add(error, eventType);
    }

    @Scheduled(every = "${veltrix.ingest.problem-log-interval}", delayed = "${veltrix.ingest.problem-log-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flush() {
        for (Problem problem : Problem.values()) {
            Map<String, Long>[] maps = counts.get(problem).drain();
            line(problem, interval, maps[0], maps[1]).ifPresent(line -> {
                if (problem == Problem.EVENTS_NOT_PERSISTED) {
                    Log.warn(line);
                } else {
                    Log.info(line);
                }
            });
        }
    }

    /** The line for one problem class, or empty when nothing happened. */
    static java.util.Optional<String> line(Problem problem, Duration interval, Map<String, Long> first, Map<String, Long> second) {
        long total = first.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return java.util.Optional.empty();
        }
        StringBuilder line = new StringBuilder("problem=").append(problem.name)
                .append(" count=").append(total)
                .append(" interval=").append(interval)
                .append(' ').append(problem.first).append('=').append(top(first))
                .append(' ').append(problem.second).append('=').append(top(second));
        if (problem.note != null) {
            line.append(' ').append(problem.note);
        }
        return java.util.Optional.of(line.toString());
    }

    /** {@code {a=3, b=2, others=4}}: the largest counts first, at most {@link #TOP} keys. */
    static String top(Map<String, Long> counts) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        String shown = sorted.stream().limit(TOP).map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        long others = sorted.stream().skip(TOP).mapToLong(Map.Entry::getValue).sum();
        return "{" + shown + (others > 0 ? ", others=" + others : "") + "}";
    }
}
