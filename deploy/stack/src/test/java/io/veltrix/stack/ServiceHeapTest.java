package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the local platform and the benchmark run each service with is what the Kubernetes manifests and the service
 * image run it with: the same heap (the image's share of the container's memory limit) and the same collector.
 */
class ServiceHeapTest {

    private static final Path KUBERNETES = Path.of("..", "kubernetes");

    @Test
    void theImageRunsTheCollectorTheStackRuns() throws IOException {
        String dockerfile = Files.readString(KUBERNETES.resolve("images/Dockerfile.jvm"));
        Matcher append = Pattern.compile("ENV JAVA_OPTS_APPEND=\"([^\"]*)\"").matcher(dockerfile);
        assertTrue(append.find(), "Dockerfile.jvm sets JAVA_OPTS_APPEND");
        // appended last, so these win over whatever the base image's start script put before them
        assertTrue(append.group(1).endsWith(String.join(" ", ServiceHeap.GC)),
                "JAVA_OPTS_APPEND ends with " + ServiceHeap.GC + ": " + append.group(1));
    }

    @Test
    void theHeapIsTheImagesShareOfTheMemoryLimit() throws IOException {
        Matcher ratio = Pattern.compile("ENV JAVA_MAX_MEM_RATIO=(\\d+)")
                .matcher(Files.readString(KUBERNETES.resolve("images/Dockerfile.jvm")));
        assertTrue(ratio.find());
        int percent = Integer.parseInt(ratio.group(1));
        for (String service : new String[] {"ingest", "processor", "experiments"}) {
            String deployment = Files.readString(KUBERNETES.resolve("base/" + service + "/deployment.yaml"));
            Matcher limit = Pattern.compile("limits:\\s*\\n(?:\\s+(?:cpu:|#).*\\n)*\\s+memory:\\s*(\\d+)(Mi|Gi)")
                    .matcher(deployment);
            assertTrue(limit.find(), service + ": a memory limit in Mi or Gi");
            long limitMiB = Long.parseLong(limit.group(1)) * (limit.group(2).equals("Gi") ? 1024 : 1);
            long heapMiB = limitMiB * percent / 100;
            assertEquals(heapMiB + "m", ServiceHeap.of(service + "-service"), service);
        }
    }
}
