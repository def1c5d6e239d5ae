package io.veltrix.stack;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The maximum heap of each service when the stack runs it (`./veltrix up`, the benchmark): the heap the
 * Kubernetes manifests give it (70% of the container's memory limit, deploy/kubernetes/base), so what runs
 * locally and what is measured is what runs in production.
 */
public final class ServiceHeap {

    private static final Map<String, String> HEAP = Map.of(
            "ingest-service", "358m",
            "processor-service", "716m",
            "experiments-service", "358m");

    /**
     * The garbage collector of every service and its sizing policy, here and in the service image
     * (deploy/kubernetes/images/Dockerfile.jvm appends the same flags, so they win over the base image's): chosen, not
     * left to defaults. The JVM's ergonomics pick G1 on a large host (what the benchmark measured until 2026-12-01) and
     * the base image's start script adds the parallel collector with a frugal policy (at most 20 % of the time in GC,
     * the heap shrunk to 20 % free), which cost the processor 60 % more CPU per event in the benchmark (39.7 vs 24.9 µs,
     * BENCHMARKS.md 2026-12-01 13:27-14:20). The services' live data is small and what they allocate dies young or within seconds
     * (messages waiting in the consumer's queue): the parallel collector with its own throughput defaults (spelled out,
     * as the base image sets others) suits them, and a consumer needs no short pauses.
     */
    public static final List<String> GC = List.of("-XX:+UseParallelGC", "-XX:MinHeapFreeRatio=0",
            "-XX:MaxHeapFreeRatio=100", "-XX:GCTimeRatio=99", "-XX:AdaptiveSizePolicyWeight=10");

    private ServiceHeap() {
    }

    /** The JVM options a service module runs with: its heap and {@link #GC}. */
    public static List<String> jvmOptions(String module) {
        return Stream.concat(Stream.of("-Xmx" + of(module)), GC.stream()).toList();
    }

    /** The -Xmx value for a service module, e.g. {@code 358m}. */
    public static String of(String module) {
        String heap = HEAP.get(module);
        if (heap == null) {
            throw new IllegalArgumentException("no heap size for " + module);
        }
        return heap;
    }
}
