package io.veltrix.ingest.service.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.schemas.codec.RegisteredSchema;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.testing.RealStackResource;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalogue against the test stack's Apicurio Registry: when its entries are due for a refresh, the requests
 * that find them so are answered with what was read last, and ONE read per artifact goes to the registry, whatever
 * the number of requests (before: one registry call per request that found the entry due, each waiting for it).
 */
class SchemaCatalogRefreshTest {

    private static final Duration REFRESH = Duration.ofMillis(300);
    private static RegistryCodec codec;

    @BeforeAll
    static void connect() {
        codec = RegistryCodec.connect(RealStackResource.TestStack.get().registryUrl(), null);
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    private static IngestConfig refreshEvery(Duration refresh) {
        return (IngestConfig) Proxy.newProxyInstance(IngestConfig.class.getClassLoader(), new Class<?>[] {IngestConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("schemaRefresh")) {
                        return refresh;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static double reads(MeterRegistry registry, String what) {
        return registry.get("veltrix.ingest.registry.reads").tag("what", what).counter().count();
    }

    @Test
    void manyRequestsFindingAnEntryDueMakeOneRegistryRead() throws Exception {
        MeterRegistry metrics = new SimpleMeterRegistry();
        SchemaCatalog catalog = new SchemaCatalog(codec, refreshEvery(REFRESH), metrics);
        Optional<RegisteredSchema> first = catalog.latest("treasure_claimed");
        assertTrue(first.isPresent(), "the test stack registers treasure_claimed");
        assertEquals(1, reads(metrics, "version"));
        assertEquals(1, reads(metrics, "catalogue"));
        for (int i = 0; i < 50; i++) {
            catalog.latest("treasure_claimed");
        }
        assertEquals(1, reads(metrics, "version"), "fresh entries are map reads");

        Thread.sleep(REFRESH.toMillis() + 100);
        ExecutorService requests = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<RegisteredSchema>>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(requests.submit(() -> {
                    go.await();
                    return catalog.latest("treasure_claimed");
                }));
            }
            go.countDown();
            for (Future<Optional<RegisteredSchema>> answer : answers) {
                assertEquals(first.get().contentId(), answer.get().orElseThrow().contentId());
            }
        } finally {
            requests.shutdownNow();
        }
        // the background reads land; 200 requests caused one read of the version and one of the catalogue
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals("2.0 version reads, 2.0 catalogue reads",
                reads(metrics, "version") + " version reads, " + reads(metrics, "catalogue") + " catalogue reads"));
        Thread.sleep(200);
        assertEquals(2, reads(metrics, "version"), "one refresh of the version for 200 requests");
        assertEquals(2, reads(metrics, "catalogue"), "one refresh of the catalogue for 200 requests");
    }

    @Test
    void anUnknownEventTypeIsAnsweredFromTheCatalogueWithoutAVersionRead() {
        MeterRegistry metrics = new SimpleMeterRegistry();
        SchemaCatalog catalog = new SchemaCatalog(codec, refreshEvery(REFRESH), metrics);
        assertTrue(catalog.latest("no_such_event_" + System.nanoTime()).isEmpty());
        assertEquals(0, reads(metrics, "version"));
        assertEquals(1, reads(metrics, "catalogue"));
    }
}
