package io.veltrix.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Limits and time rules of the tracking API. Checked at start (Hibernate Validator's constraints on a config
 * mapping): a value the service cannot work with (a size of 0, a negative duration, a batching delay Pulsar refuses)
 * stops the start with a message naming the key, instead of failing requests later.
 */
@ConfigMapping(prefix = "veltrix.ingest")
public interface IngestConfig {

    /** Largest accepted event, in bytes of JSON (Segment's limit). */
    @WithDefault("32768")
    @Positive
    int maxEventBytes();

    /** Largest accepted request body, in bytes, after decompression (Segment's limit). */
    @WithDefault("512000")
    @Positive
    int maxRequestBytes();

    /** How far after its arrival an event may claim to have happened (after clock-skew correction). */
    @WithDefault("PT1H")
    @DurationMin(millis = 0)
    Duration maxFutureSkew();

    /** How old an event may be when it arrives. */
    @WithDefault("P30D")
    @DurationMin(millis = 0)
    Duration maxEventAge();

    /** How long a newly registered schema version may wait before ingest validates against it. */
    @WithDefault("PT10S")
    @DurationMin(millis = 1)
    Duration schemaRefresh();

    /** How long Pulsar may take to acknowledge before the request answers 503. */
    @WithDefault("PT5S")
    @DurationMin(millis = 1)
    Duration publishTimeout();

    /**
     * Events being handled at once (parsed, waiting for Pulsar's acknowledgement) above which new requests get 429;
     * a request with more events than this could never be taken and gets 413.
     */
    @WithDefault("50000")
    @Positive
    int maxInFlightEvents();

    /**
     * Bytes of request bodies (after decompression) being handled at once, above which new requests get 429. The
     * heap a request holds is a few times its body (the JSON tree, the Avro records): 32 MiB of bodies is about
     * 200 MiB of heap at worst.
     */
    @WithDefault("33554432")
    @Positive
    long maxInFlightBytes();

    /**
     * Rejection records one request writes to events.rejected at most; the others of the request are counted in one
     * summary record (reason rejections_not_kept). Every event still gets its status in the answer.
     */
    @WithDefault("100")
    @PositiveOrZero
    int maxRejectionsPerRequest();

    /** The rate limits of every write key, unless {@link #rateLimits()} names the key. */
    @WithName("rate-limit") // (named: so that a refused value of it is reported under its key, not "rateLimit")
    RateLimit rateLimit();

    /** Rate limits of particular write keys, by key id. */
    @WithName("rate-limits")
    Map<String, RateLimit> rateLimits();

    /**
     * What one write key may send to one instance: events (valid or not) per second, and bytes of rejection records
     * per second (what a flood of bad events would write to events.rejected). Token buckets: a burst may use up to
     * the capacity at once, which refills at the rate. Beyond either: 429 with Retry-After.
     */
    interface RateLimit {
        /** Events per second, sustained. */
        @WithDefault("50000")
        @Positive
        long eventsPerSecond();

        /** Events at once; a request with more events than this could never be taken and gets 413. */
        @WithDefault("100000")
        @Positive
        long eventBurst();

        /** Bytes of rejection records (mostly the refused events as sent) per second, sustained. */
        @WithDefault("524288")
        @Positive
        long rejectedBytesPerSecond();

        /** Bytes of rejection records at once. */
        @WithDefault("4194304")
        @Positive
        long rejectedBytesBurst();
    }


    /** Suggested wait, in seconds, sent in Retry-After with 429 and 503. */
    @WithDefault("5")
    @PositiveOrZero
    int retryAfterSeconds();

    /** How long an accepted messageId is remembered to answer retries with {@code duplicate}. */
    @WithDefault("PT10M")
    @DurationMin(millis = 0)
    Duration duplicateWindow();

    /**
     * Whether accepted events are batched by key before Pulsar (KEY_BASED batching); otherwise each is its own entry.
     * Either keeps each entry to one key, as the processor's Key_Shared subscription needs.
     */
    @WithDefault("true")
    boolean rawBatching();

    /**
     * How long events.raw's producer waits to fill an entry per bucket of players ({@link #orderingBuckets()}) before it
     * sends it. A request is answered once its events are persisted, so this adds up to its value to a request's time;
     * in return the broker, ingest and the processor pay their per-entry costs for more events at once when the rate
     * is moderate (under a heavy load entries fill before the delay ends). At 10,000 events/s and 16 buckets, 20 ms
     * fill an entry with ~12 events where 5 ms (until 2026-12-02) filled ~3: the benchmark's end-to-end phase took
     * 13-17 % less CPU per event, Pulsar about 30 % less (BENCHMARKS.md, 2026-12-02 11:42-).
     */
    @WithDefault("PT0.02S")
    @DurationMin(millis = 1)
    Duration rawBatchingDelay();

    /**
     * The ordering keys of events.raw: an event's key stays its player, but it is ordered, batched and handed to the
     * processors (Key_Shared) by one of this many buckets of players (player id's hash modulo the count), so that
     * a Pulsar entry carries many events instead of about one (with key-based batching and thousands of players, each
     * entry held ~1.3 events: the broker's cost is per entry, on the way in and out). Each player's events stay in
     * order and on one processor; at most this many processor instances share the work. 0: order by player.
     */
    @WithDefault("16")
    @PositiveOrZero
    int orderingBuckets();

    /**
     * How many recent messageIds are remembered at most. Each costs 16 to 32 bytes of heap (64-bit fingerprints in
     * tables kept at most half full, allocated at start, {@code RecentMessageIds}): the default, 200,000 ids (40 s of
     * ids at 5,000 events/s), takes 4 MiB; ten minutes at 5,000 events/s (3,000,000) would take 64 MiB.
     */
    @WithDefault("200000")
    @Positive
    long duplicateWindowSize();

    /** The write keys, by key id. */
    Map<String, WriteKeyConfig> writeKeys();

    /**
     * A file with more write keys (a mounted Kubernetes Secret, say), re-read when it changes: keys are rotated
     * by editing it, without a restart. Properties ({@code <key-id>.key=...}, {@code <key-id>.source=...}) or JSON
     * ({@code {"<key-id>": {"key": "...", "source": "..."}}}). A key id in the file overrides the same id here.
     */
    Optional<Path> writeKeysFile();

    /** How often the write-keys file is checked for changes. */
    @WithDefault("PT5S")
    @DurationMin(millis = 1)
    Duration writeKeysFileRefresh();

    /** Bearer token of the admin API (replay, rejection summary). Without it the admin API refuses every call. */
    Optional<String> adminToken();

    /** Bearer token that may read the rejection summary (but not replay). */
    Optional<String> readToken();

    /** Most rejected events one replay call handles; run it again to continue (it skips what it already replayed). */
    @WithDefault("10000")
    @Positive
    int replayMaxEvents();

    /**
     * Bytes of rejected events one replay call holds in memory at most (their payloads); past it the call stops
     * collecting and reports the rest as remaining, for the next call.
     */
    @WithDefault("67108864")
    @Positive
    long replayMaxBytes();

    /** Most messages of events.rejected one admin call (summary, replay) reads. */
    @WithDefault("200000")
    @Positive
    int adminMaxScan();

    /**
     * Producers' clocks differ: reading events.rejected starts this much before the window and stops this much
     * after it, and keeps what the records' own {@code rejected_at} puts inside the window.
     */
    @WithDefault("PT1M")
    @DurationMin(millis = 0)
    Duration scanMargin();

    /** How often the problem summary (rejections, refusals, unpersisted events) is logged, when there were any. */
    @WithDefault("PT1M")
    @DurationMin(millis = 1)
    Duration problemLogInterval();

    /** One write key: the secret a client sends and the source (game) it maps to. */
    interface WriteKeyConfig {
        /** The secret itself (from a Secret in production, never committed). */
        String key();

        /** The source (game) the key belongs to. */
        String source();
    }
}
