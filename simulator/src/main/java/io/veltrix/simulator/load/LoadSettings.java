package io.veltrix.simulator.load;

import java.time.Duration;

/**
 * How much load to offer.
 *
 * @param rate        target events per second, offered open-loop (batches leave on a fixed schedule whatever the
 *                    latency); 0 = as fast as the server answers, with {@code maxInFlight} requests outstanding
 *                    (closed loop, to find the saturation throughput)
 * @param batchSize   events per request
 * @param maxInFlight requests outstanding at most; in open loop a batch due while this many are outstanding is not
 *                    sent and is counted as skipped (the offered rate then falls short of the target, and the report
 *                    says so)
 * @param duration    how long to run; null = until {@code maxEvents} or until stopped
 * @param maxEvents   stop after offering this many events; 0 = no limit
 */
public record LoadSettings(double rate, int batchSize, int maxInFlight, Duration duration, long maxEvents) {

    public LoadSettings {
        if (rate < 0) {
            throw new IllegalArgumentException("rate must be >= 0 (0 = as fast as possible)");
        }
        if (batchSize < 1 || batchSize > 5000) {
            throw new IllegalArgumentException("batch size must be between 1 and 5000");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max in flight must be at least 1");
        }
        if (maxEvents < 0) {
            throw new IllegalArgumentException("max events must be >= 0");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            duration = null;
        }
    }

    public boolean openLoop() {
        return rate > 0;
    }

    /** Time between two batches in open loop. */
    long intervalNanos() {
        return Math.max(1, Math.round(batchSize * 1e9 / rate));
    }
}
