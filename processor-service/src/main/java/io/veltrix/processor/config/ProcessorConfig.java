package io.veltrix.processor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * How the processor consumes, validates and reports. Checked at start (Hibernate Validator's constraints on a config
 * mapping): a value it cannot work with (no batch in flight, a wait of 0, a negative duration) stops the start with a
 * message naming the key, instead of a processor that hangs or spins.
 */
@ConfigMapping(prefix = "veltrix.processor")
public interface ProcessorConfig {

    /** Batched consumption: one database transaction per batch. */
    Batch batch();

    /** Semantic checks of events (what the schema cannot express). */
    Validation validation();

    /** The experiment definitions cache (read contract {@code experiments.experiment_variant}). */
    Experiments experiments();

    /** Graceful shutdown. */
    Shutdown shutdown();

    /** Backlog and dead-letter sampling, problem reports. */
    Monitoring monitoring();

    /** How long what the processor stores is kept. */
    Retention retention();

    /** Waiting for the database, the registry or the broker. */
    Retry retry();

    /** Fault injection, for the crash tests only: never set in production. */
    Fault fault();

    /**
     * Bearer token of the admin API (dead-letter re-drive). Absent: the admin API answers 403.
     * From a Secret in production ({@code VELTRIX_PROCESSOR_ADMIN_TOKEN}), never committed.
     */
    java.util.Optional<String> adminToken();

    /** The most dead letters one re-drive call moves back to events.raw. */
    @WithDefault("10000")
    @Positive
    int redriveMaxEvents();

    interface Batch {
        /** Most messages in one batch (and one transaction). */
        @WithDefault("1000")
        @Positive
        int maxEvents();

        /** How long a batch waits to fill up before it is processed anyway. */
        @WithDefault("PT0.05S")
        @DurationMin(millis = 1)
        Duration maxWait();

        /**
         * Batches in progress at once: while one commits, the next ones are decoded and wait for their turn. Keep
         * {@code quarkus.datasource.reactive.max-size} above it.
         */
        @WithDefault("4")
        @Positive
        int inFlight();
    }

    interface Validation {
        /** How far after its arrival at ingest an event may claim to have happened. */
        @WithDefault("PT1H")
        @DurationMin(millis = 0)
        Duration maxFutureSkew();

        /** How long before its arrival at ingest an event may have happened. */
        @WithDefault("P30D")
        @DurationMin(millis = 0)
        Duration maxEventAge();
    }

    interface Experiments {
        /** How often the definitions are re-read, whatever happens. */
        @WithDefault("PT5S")
        @DurationMin(millis = 1)
        Duration refreshInterval();

        /**
         * An exposure naming an experiment or variant the cached definitions do not know is refused only on
         * definitions read after it was published: it triggers a re-read when the cache is older, at most this often
         * (a flood of exposures to a deleted experiment waits for its turn rather than flood the database).
         */
        @WithDefault("PT0.25S")
        @DurationMin(millis = 0)
        Duration missRefreshInterval();

        /** Definitions older than this make the readiness check report the cache as stale. */
        @WithDefault("PT5M")
        @DurationMin(millis = 1)
        Duration staleAfter();
    }

    interface Retention {
        /**
         * How long the per-event records ({@code processing.processed_event}: the dedupe records, the input of
         * recomputed metrics, of CUPED and of time series) are kept, counted from when the event occurred. It must
         * cover {@code validation.max-event-age} plus the longest an event may wait before it is processed (a
         * backlog, ingest's replay of events.rejected, a dead-letter re-drive): an event older than
         * {@code events - dedupe-tolerance - 1h} is refused as {@code beyond_retention} instead of risking a second
         * count. Whole partitions are dropped, so storage stops growing once this is reached.
         */
        @WithDefault("P35D")
        @DurationMin(millis = 1)
        Duration events();

        /** Width of one partition of processed_event (and how much is dropped at once). */
        @WithDefault("P1D")
        @DurationMin(seconds = 1)
        Duration partitionWidth();

        /**
         * Copies of one event whose times differ by less than this are one event: a client retry of the same
         * messageId through another request (ingest corrects the time with each request's sentAt) is counted once.
         */
        @WithDefault("PT1H")
        @DurationMin(millis = 0)
        Duration dedupeTolerance();

        /** How long live traffic counts ({@code processing.traffic_minute}) are kept. */
        @WithDefault("P400D")
        @DurationMin(millis = 1)
        Duration traffic();

        /** How long the participants and metrics of an experiment are kept after it was archived. */
        @WithDefault("P180D")
        @DurationMin(millis = 0)
        Duration archivedExperiments();

        /** How often partitions are created ahead and old data is dropped (one instance at a time does it). */
        @WithDefault("PT10M")
        @DurationMin(millis = 1)
        Duration interval();
    }

    interface Retry {
        /** First wait after a failure of the database, the registry or the broker; doubled at every attempt. */
        @WithDefault("PT0.2S")
        @DurationMin(millis = 1)
        Duration firstBackoff();

        /** Longest wait between two attempts. */
        @WithDefault("PT30S")
        @DurationMin(millis = 1)
        Duration maxBackoff();
    }

    interface Fault {
        /**
         * Halts the JVM (as kill -9 would) right after this many batches committed, before their messages are
         * acknowledged: the deterministic crash between commit and acknowledgement the crash tests need.
         */
        java.util.Optional<@Positive Integer> haltAfterCommits();
    }

    interface Shutdown {
        /** How long a stopping processor waits for the batch in progress to commit and be acknowledged. */
        @WithDefault("PT15S")
        @DurationMin(millis = 0)
        Duration grace();
    }

    interface Monitoring {
        /** How often the subscription backlog and the dead-letter topic size are read from the Pulsar admin API. */
        @WithDefault("PT10S")
        @DurationMin(millis = 1)
        Duration backlogInterval();

        /** Problems are logged once per class and interval, with their count, never once per event. */
        @WithDefault("PT30S")
        @DurationMin(millis = 1)
        Duration problemLogInterval();
    }
}
