package io.veltrix.stack;

import java.util.Map;

/**
 * The maximum heap of each service when the stack runs it (`./veltrix up`, the benchmark): the heap the
 * Kubernetes manifests give it (70% of the container's memory limit, deploy/kubernetes/base), so what runs
 * locally and what is measured is what runs in production.
 */
public final class ServiceHeap {

    private static final Map<String, String> HEAP = Map.of(
            "ingest-service", "358m",
            "processor-service", "537m",
            "experiments-service", "358m");

    private ServiceHeap() {
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
