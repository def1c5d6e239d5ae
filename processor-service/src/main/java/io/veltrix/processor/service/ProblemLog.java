package io.veltrix.processor.service;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.veltrix.processor.config.ProcessorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Quiet logs: one structured WARN line per problem class, never one per event. The first occurrence of a
 * class is logged at once; later ones are counted and summarized once per
 * {@code veltrix.processor.monitoring.problem-log-interval}, with the latest example:
 * <pre>problem=undecodable count=412 interval=PT30S example="payload is not Apicurio-framed Avro ..."</pre>
 * The details of every single case go to DEBUG (category {@code io.veltrix.processor}) and to the metrics.
 */
@ApplicationScoped
public class ProblemLog {

    private final Duration interval;
    private final Map<String, Problem> problems = new ConcurrentHashMap<>();

    public ProblemLog(ProcessorConfig config) {
        this.interval = config.monitoring().problemLogInterval();
    }

    private static final class Problem {
        long count;
        long lastLogged;
        String example;
    }

    /** One occurrence of a problem class ({@code undecodable}, {@code database_unavailable}, ...). */
    public void report(String problemClass, String example) {
        report(problemClass, 1, example);
    }

    public void report(String problemClass, long occurrences, String example) {
        Problem problem = problems.computeIfAbsent(problemClass, c -> new Problem());
        long now = System.nanoTime();
        long pending;
        synchronized (problem) {
            problem.count += occurrences;
            problem.example = example;
            if (problem.lastLogged != 0 && now - problem.lastLogged < interval.toNanos()) {
                return;
            }
            pending = problem.count;
            problem.count = 0;
            problem.lastLogged = now;
        }
        write(problemClass, pending, example);
    }

    /**
     * A problem class that was being reported is over (a dependency is back): what was still pending is logged with
     * it, in one INFO line.
     */
    public void resolved(String problemClass, String how) {
        Problem problem = problems.get(problemClass);
        long pending = 0;
        if (problem != null) {
            synchronized (problem) {
                pending = problem.count;
                problem.count = 0;
                problem.lastLogged = 0;
            }
        }
        Log.infof("problem=%s resolved=\"%s\" unreported=%d", problemClass, how, pending);
    }

    @Scheduled(every = "${veltrix.processor.monitoring.problem-log-interval}")
    void flush() {
        long now = System.nanoTime();
        problems.forEach((problemClass, problem) -> {
            long pending;
            String example;
            synchronized (problem) {
                if (problem.count == 0 || now - problem.lastLogged < interval.toNanos()) {
                    return;
                }
                pending = problem.count;
                example = problem.example;
                problem.count = 0;
                problem.lastLogged = now;
            }
            write(problemClass, pending, example);
        });
    }

    private void write(String problemClass, long count, String example) {
        Log.warnf("problem=%s count=%d interval=%s example=\"%s\"", problemClass, count, interval,
                example == null ? "" : example.replace('"', '\'').replace('\n', ' '));
    }
}
