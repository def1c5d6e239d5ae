package io.veltrix.simulator.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a load run achieved, against what it was asked to offer.
 *
 * @param seconds          wall time from the first batch to the last answer
 * @param sendingSeconds   wall time from the first batch to the last one sent (what the offered rate is over)
 * @param targetRate       events/s asked for (0 = as fast as possible)
 * @param offeredEvents    events sent
 * @param skippedEvents    events of batches not sent because {@code maxInFlight} requests were outstanding
 * @param accepted         events ingest accepted (persisted on Pulsar)
 * @param duplicate        events answered duplicate
 * @param rejected         events refused
 * @param notPersisted     events not persisted (503/429, errors, timeouts)
 * @param requests         requests answered (any status)
 * @param failedRequests   requests without a 200 answer
 * @param statuses         count per HTTP status (0 = no answer)
 * @param problems         the first distinct problems seen (rejection reasons, errors)
 * @param latency          request latency: from sending to the answer
 * @param scheduleLatency  open loop only: from when the batch was due to the answer (includes time a late
 *                         generator or a full in-flight window made it wait, so a slow server cannot hide)
 * @param maxLagMillis     open loop only: how late the generator was at worst
 * @param inFlight         requests outstanding when this report was taken
 */
public record LoadReport(double seconds, double sendingSeconds, double targetRate, long offeredEvents, long skippedEvents, long accepted,
                         long duplicate, long rejected, long notPersisted, long requests, long failedRequests,
                         Map<Integer, Long> statuses, List<String> problems, Latencies.Snapshot latency,
                         Latencies.Snapshot scheduleLatency, double maxLagMillis, int inFlight) {

    /** Events offered per second. */
    public double offeredRate() {
        double over = sendingSeconds > 0 ? sendingSeconds : seconds;
        return over <= 0 ? 0 : offeredEvents / over;
    }

    /** Events accepted per second. */
    public double acceptedRate() {
        return seconds <= 0 ? 0 : accepted / seconds;
    }

    /** Open loop: did we offer what was asked (within 5 %) without skipping? */
    public boolean reachedTarget() {
        return targetRate <= 0 || (skippedEvents == 0 && offeredRate() >= 0.95 * targetRate);
    }

    public String oneLine() {
        return String.format(Locale.ROOT, "%.0f s: offered %,d events (%,.0f/s%s), accepted %,d (%,.0f/s), duplicate %,d, "
                        + "rejected %,d, not persisted %,d%s; request latency p50 %.1f ms p99 %.1f ms; in flight %d",
                seconds, offeredEvents, offeredRate(), targetRate > 0 ? String.format(Locale.ROOT, " of %,.0f/s target", targetRate) : "",
                accepted, acceptedRate(), duplicate, rejected, notPersisted,
                skippedEvents > 0 ? String.format(Locale.ROOT, ", SKIPPED %,d (client or server too slow)", skippedEvents) : "",
                latency.p50(), latency.p99(), inFlight);
    }

    public String summary() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "duration           %.1f s%n", seconds));
        if (targetRate > 0) {
            text.append(String.format(Locale.ROOT, "target rate        %,.0f events/s (open loop)%n", targetRate));
            text.append(String.format(Locale.ROOT, "offered rate       %,.0f events/s%s%n", offeredRate(),
                    reachedTarget() ? "" : "   <-- BELOW TARGET"));
            if (skippedEvents > 0) {
                text.append(String.format(Locale.ROOT, "skipped            %,d events: the in-flight window was full when "
                        + "their batch was due%n", skippedEvents));
            }
            text.append(String.format(Locale.ROOT, "generator lag max  %.1f ms%n", maxLagMillis));
        } else {
            text.append(String.format(Locale.ROOT, "mode               closed loop (as fast as ingest answers)%n"));
        }
        text.append(String.format(Locale.ROOT, "events offered     %,d%n", offeredEvents));
        text.append(String.format(Locale.ROOT, "accepted           %,d (%,.0f events/s)%n", accepted, acceptedRate()));
        text.append(String.format(Locale.ROOT, "duplicate          %,d%n", duplicate));
        text.append(String.format(Locale.ROOT, "rejected           %,d%n", rejected));
        text.append(String.format(Locale.ROOT, "not persisted      %,d%n", notPersisted));
        text.append(String.format(Locale.ROOT, "requests           %,d (%,d without a 200 answer) %s%n", requests, failedRequests, statuses));
        text.append(String.format(Locale.ROOT, "request latency    p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms%n",
                latency.p50(), latency.p90(), latency.p99(), latency.max()));
        if (targetRate > 0) {
            text.append(String.format(Locale.ROOT, "from schedule      p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms%n",
                    scheduleLatency.p50(), scheduleLatency.p90(), scheduleLatency.p99(), scheduleLatency.max()));
        }
        for (String problem : problems) {
            text.append("problem            ").append(problem).append(System.lineSeparator());
        }
        return text.toString();
    }
}
