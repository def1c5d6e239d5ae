package io.veltrix.processor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How the processor consumes, validates and reports. */
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

    /**
     * Bearer token of the admin API (dead-letter re-drive). Absent: the admin API answers 403.
     * From a Secret in production ({@code VELTRIX_PROCESSOR_ADMIN_TOKEN}), never committed.
     */
    java.util.Optional<String> adminToken();

    /** The most dead letters one re-drive call moves back to events.raw. */
    @WithDefault("10000")
    int redriveMaxEvents();

    interface Batch {
        /** Most messages in one batch (and one transaction). */
        @WithDefault("1000")
        int maxEvents();

        /** How long a batch waits to fill up before it is processed anyway. */
        @WithDefault("PT0.05S")
        Duration maxWait();
    }

    interface Validation {
        /** How far after its arrival at ingest an event may claim to have happened. */
        @WithDefault("PT1H")
        Duration maxFutureSkew();

        /** How long before its arrival at ingest an event may have happened. */
        @WithDefault("P30D")
        Duration maxEventAge();
    }

    interface Experiments {
        /** How often the definitions are re-read, whatever happens. */
        @WithDefault("PT5S")
        Duration refreshInterval();

        /**
         * An exposure naming an experiment or variant the cached definitions do not know is refused only on
         * definitions read after it was published: it triggers a re-read when the cache is older, at most this often
         * (a flood of exposures to a deleted experiment waits for its turn rather than flood the database).
         */
        @WithDefault("PT0.25S")
        Duration missRefreshInterval();

        /** Definitions older than this make the readiness check report the cache as stale. */
        @WithDefault("PT5M")
        Duration staleAfter();
    }

    interface Shutdown {
        /** How long a stopping processor waits for the batch in progress to commit and be acknowledged. */
        @WithDefault("PT15S")
        Duration grace();
    }

    interface Monitoring {
        /** How often the subscription backlog and the dead-letter topic size are read from the Pulsar admin API. */
        @WithDefault("PT10S")
        Duration backlogInterval();

        /** Problems are logged once per class and interval, with their count, never once per event. */
        @WithDefault("PT30S")
        Duration problemLogInterval();
    }
}
