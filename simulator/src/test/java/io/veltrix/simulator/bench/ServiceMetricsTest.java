package io.veltrix.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

    @Test
    void aTimersQuantilesAndMaxAreReadFromThePrometheusText() {
        ServiceMetrics metrics = ServiceMetrics.parse("""
                # HELP veltrix_processor_latency_pipeline_seconds Per batch
                # TYPE veltrix_processor_latency_pipeline_seconds summary
                veltrix_processor_latency_pipeline_seconds{quantile="0.5",} 0.0425
                veltrix_processor_latency_pipeline_seconds{quantile="0.99",} 0.31
                veltrix_processor_latency_pipeline_seconds_count 120.0
                veltrix_processor_latency_pipeline_seconds_sum 7.5
                # TYPE veltrix_processor_latency_pipeline_seconds_max gauge
                veltrix_processor_latency_pipeline_seconds_max 1.2
                veltrix_processor_commit_duration_seconds_max 0.05
                """);
        assertEquals("p50 43 ms, p99 310 ms, max 1200 ms", metrics.timer("veltrix_processor_latency_pipeline"));
        assertEquals("max 50 ms", metrics.timer("veltrix_processor_commit_duration"));
        assertEquals("not exported", metrics.timer("veltrix_processor_batch_duration"));
        assertEquals(120.0, metrics.value("veltrix_processor_latency_pipeline_seconds_count").orElseThrow());
    }

    @Test
    void aTimersMeanBetweenTwoScrapesIsItsOwn() {
        ServiceMetrics before = ServiceMetrics.parse("""
                veltrix_processor_commit_duration_seconds_count 100.0
                veltrix_processor_commit_duration_seconds_sum 30.0
                """);
        ServiceMetrics after = ServiceMetrics.parse("""
                veltrix_processor_commit_duration_seconds_count 1300.0
                veltrix_processor_commit_duration_seconds_sum 78.0
                """);
        // 1,200 commits in 48 s: 40 ms each, whatever the 100 before took (300 ms each)
        assertEquals("mean 40 ms of 1,200", after.meanSince(before, "veltrix_processor_commit_duration"));
        assertEquals("none", after.meanSince(after, "veltrix_processor_commit_duration"));
        assertEquals("not exported", after.meanSince(before, "veltrix_processor_batch_duration"));
    }
}
