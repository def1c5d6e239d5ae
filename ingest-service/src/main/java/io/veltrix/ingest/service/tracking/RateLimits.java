package io.veltrix.ingest.service.tracking;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.config.IngestConfig.RateLimit;
import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.mapping.Reasons;
import io.veltrix.ingest.service.RequestRefusedException;
import io.veltrix.ingest.service.RequestRefusedException.Refusal;
import io.veltrix.ingest.service.observability.IngestMetrics;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per write key and instance: events per second, and bytes of rejection records per second (token buckets from
 * Bucket4j, lock-free). Write keys ship inside game clients, so anyone may flood with one: beyond its limits a key
 * gets 429 with the wait until its bucket holds enough (Retry-After), other keys are unaffected. A request larger
 * than a bucket's capacity could never be taken: 413.
 */
@Singleton
public class RateLimits {

    private record Buckets(Bucket events, long eventCapacity, Bucket rejectedBytes, long rejectedCapacity) {
    }

    private final IngestConfig config;
    private final IngestMetrics metrics;
    private final Map<String, Buckets> byKey = new ConcurrentHashMap<>();

    public RateLimits(IngestConfig config, IngestMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** Takes {@code events} from the key's event budget, or refuses the request. */
    public void acquireEvents(String keyId, int events) {
        Buckets buckets = buckets(keyId);
        if (events > buckets.eventCapacity()) {
            metrics.limited("event_burst");
            throw new RequestRefusedException(Refusal.TOO_LARGE, Reasons.TOO_MANY_EVENTS, "$.batch",
                    "the request holds " + events + " events, more than this write key may ever send at once ("
                            + buckets.eventCapacity() + "): split it", (int) Math.min(Integer.MAX_VALUE, buckets.eventCapacity()));
        }
        ConsumptionProbe probe = buckets.events().tryConsumeAndReturnRemaining(events);
        if (!probe.isConsumed()) {
            metrics.limited("events_per_second");
            throw new RequestRefusedException(Refusal.TOO_MANY, Reasons.RATE_LIMITED, JsonPaths.ROOT,
                    "this write key sends more events than its limit (" + limit(keyId).eventsPerSecond()
                            + " per second): retry after Retry-After").retryAfter(Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    /**
     * Takes {@code bytes} of rejection records from the key's budget, or refuses the request (nothing of it is
     * published yet, so a refused request changes nothing).
     */
    public void acquireRejectedBytes(String keyId, long bytes) {
        if (bytes <= 0) {
            return;
        }
        Buckets buckets = buckets(keyId);
        // a request is at most 500 KB: capped at the capacity so that one large refused request can pass when full
        long wanted = Math.min(bytes, buckets.rejectedCapacity());
        ConsumptionProbe probe = buckets.rejectedBytes().tryConsumeAndReturnRemaining(wanted);
        if (!probe.isConsumed()) {
            metrics.limited("rejected_bytes_per_second");
            throw new RequestRefusedException(Refusal.TOO_MANY, Reasons.RATE_LIMITED, JsonPaths.ROOT,
                    "this write key sends more refused events than its limit (" + limit(keyId).rejectedBytesPerSecond()
                            + " bytes of rejections per second): fix what is refused (see the reasons), retry after Retry-After")
                    .retryAfter(Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    private Buckets buckets(String keyId) {
        return byKey.computeIfAbsent(keyId, id -> {
            RateLimit limit = limit(id);
            long eventCapacity = Math.max(1, limit.eventBurst());
            long rejectedCapacity = Math.max(1, limit.rejectedBytesBurst());
            Bucket events = Bucket.builder().addLimit(Bandwidth.builder().capacity(eventCapacity)
                    .refillGreedy(Math.max(1, limit.eventsPerSecond()), Duration.ofSeconds(1)).build()).build();
            Bucket rejected = Bucket.builder().addLimit(Bandwidth.builder().capacity(rejectedCapacity)
                    .refillGreedy(Math.max(1, limit.rejectedBytesPerSecond()), Duration.ofSeconds(1)).build()).build();
            return new Buckets(events, eventCapacity, rejected, rejectedCapacity);
        });
    }

    private RateLimit limit(String keyId) {
        return config.rateLimits().getOrDefault(keyId, config.rateLimit());
    }
}
