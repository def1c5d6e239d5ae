package io.veltrix.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** Limits and time rules of the tracking API. */
@ConfigMapping(prefix = "veltrix.ingest")
public interface IngestConfig {

    /** Largest accepted event, in bytes of JSON (Segment's limit). */
    @WithDefault("32768")
    int maxEventBytes();

    /** Largest accepted request body, in bytes, after decompression (Segment's limit). */
    @WithDefault("512000")
    int maxRequestBytes();

    /** How far after its arrival an event may claim to have happened (after clock-skew correction). */
    @WithDefault("PT1H")
    Duration maxFutureSkew();

    /** How old an event may be when it arrives. */
    @WithDefault("P30D")
    Duration maxEventAge();

    /** How long a newly registered schema version may wait before ingest validates against it. */
    @WithDefault("PT10S")
    Duration schemaRefresh();

    /** How long Pulsar may take to acknowledge before the request answers 503. */
    @WithDefault("PT5S")
    Duration publishTimeout();

    /** Events waiting for Pulsar's acknowledgement above which new requests get 429. */
    @WithDefault("50000")
    int maxInFlightEvents();

    /** Suggested wait, in seconds, sent in Retry-After with 429 and 503. */
    @WithDefault("5")
    int retryAfterSeconds();

    /** How long an accepted messageId is remembered to answer retries with {@code duplicate}. */
    @WithDefault("PT10M")
    Duration duplicateWindow();

    /** How many recent messageIds are remembered at most. */
    @WithDefault("1000000")
    long duplicateWindowSize();

    /** The write keys, by key id. */
    Map<String, WriteKeyConfig> writeKeys();

    /** One write key: the secret a client sends and the source (game) it maps to. */
    interface WriteKeyConfig {
        /** The secret itself (from a Secret in production, never committed). */
        String key();

        /** The source (game) the key belongs to. */
        String source();
    }
}
