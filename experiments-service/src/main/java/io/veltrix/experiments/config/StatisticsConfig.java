package io.veltrix.experiments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** What the results need to know about the data they read. */
@ConfigMapping(prefix = "veltrix.experiments.statistics")
public interface StatisticsConfig {

    /**
     * How long the processor keeps {@code processing.processed_event} (its {@code veltrix.processor.retention.events}:
     * set both to the same value). Everything computed from single events (a closed phase's metrics cut at its end,
     * CUPED's pre-exposure values, the time series' metric) is computed only when every event it needs is younger than
     * this; otherwise the API says so instead of returning partial numbers.
     */
    @WithDefault("P35D")
    Duration eventRetention();
}
