package io.veltrix.simulator.load;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** A latency distribution in microseconds (1 µs to 1 hour, 3 significant digits), safe to record from any thread. */
public final class Latencies {
    private final ConcurrentHistogram histogram = new ConcurrentHistogram(3_600_000_000L, 3);

    public void recordNanos(long nanos) {
        histogram.recordValue(Math.max(1, Math.min(3_600_000_000L, nanos / 1000)));
    }

    public Snapshot snapshot() {
        Histogram copy = histogram.copy();
        if (copy.getTotalCount() == 0) {
            return new Snapshot(0, 0, 0, 0, 0, 0);
        }
        return new Snapshot(copy.getTotalCount(), ms(copy.getValueAtPercentile(50)), ms(copy.getValueAtPercentile(90)),
                ms(copy.getValueAtPercentile(99)), ms(copy.getMaxValue()), copy.getMean() / 1000.0);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** Percentiles in milliseconds. */
    public record Snapshot(long count, double p50, double p90, double p99, double max, double mean) {
    }
}
