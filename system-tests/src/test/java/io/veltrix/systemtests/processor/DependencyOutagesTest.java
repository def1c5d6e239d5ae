package io.veltrix.systemtests.processor;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.schemas.Topics;
import io.veltrix.stack.PulsarStandalone;
import io.veltrix.stack.ServiceProcess;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.Database;
import io.veltrix.testing.TcpProxy;
import io.veltrix.testing.TestServices;
import io.veltrix.testing.TopicProbe;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry and the broker fail while the processor runs: it waits (not ready while the registry is away),
 * resumes by itself, and every accepted event is counted exactly once, none dead-lettered.
 */
class DependencyOutagesTest {

    private static TestServices services;
    private static Database db;

    @BeforeAll
    static void platform() {
        services = TestServices.get();
        db = new Database(services.stack());
    }

    @Test
    void aProcessorThatStartsWhileTheRegistryIsUnreachableWaitsAndThenCountsEverything() throws Exception {
        URI registry = URI.create(services.stack().registryUrl());
        try (TcpProxy proxy = new TcpProxy(registry.getHost(), registry.getPort())) {
            // the processor's registry is behind a proxy that is down: it knows no schema yet (a fresh start)
            String viaProxy = registry.toString().replace(":" + registry.getPort() + "/", ":" + proxy.port() + "/");
            ServiceProcess processor = services.restart(TestServices.PROCESSOR, Map.of("veltrix.registry.url", viaProxy));
            try {
                Scenario scenario = new Scenario("registry", services.url(TestServices.INGEST));
                scenario.stream(() -> {
                    // (the processor is still starting: its port may not answer yet)
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                            readiness(processor.baseUrl()).contains("\"DOWN\"") && readiness(processor.baseUrl()).contains("registry"));
                    proxy.up();
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> ready(processor.baseUrl()));
                });
                scenario.assertCountedOnce(db, services.stack());
            } finally {
                services.restart(TestServices.PROCESSOR);
            }
        }
    }

    @Test
    void aBrokerRestartWhileEventsFlowLosesNothingAndCountsNothingTwice() throws Exception {
        StackInfo shared = services.stack();
        try (PulsarStandalone pulsar = PulsarStandalone.create(TestServices.projectRoot()
                .resolve("system-tests/target/restart-pulsar-" + UUID.randomUUID().toString().substring(0, 8)))) {
            pulsar.start(Duration.ofMinutes(3));
            StackInfo privateBroker = shared.withPulsar(pulsar.serviceUrl(), pulsar.adminUrl());
            ServiceProcess ingest = services.startExtra(TestServices.INGEST, "restart-ingest", privateBroker);
            ServiceProcess processor = services.startExtra(TestServices.PROCESSOR, "restart-processor", privateBroker);
            try {
                Scenario scenario = new Scenario("broker", ingest.baseUrl());
                scenario.stream(() -> {
                    pulsar.stop();
                    // the stream goes on: ingest answers 503 meanwhile and the client sends again
                    pulsar.start(Duration.ofMinutes(3));
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> ready(processor.baseUrl()));
                });
                scenario.assertCountedOnce(db, privateBroker);
            } finally {
                processor.stop();
                ingest.stop();
            }
        }
    }

    /** A stream of events of the test's own players through one ingest, and the checks afterwards. */
    private static final class Scenario {
        final String run;
        final String experiment;
        final Instant window;
        final List<String> players = new ArrayList<>();
        final IngestClient ingest;
        final Instant started = Instant.now();
        List<TrackedEvent> sent;

        Scenario(String name, String ingestUrl) {
            run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
            experiment = "outage-" + run;
            ExperimentFixtures.running(db, experiment, "control", "boost");
            window = Instant.now().minus(Duration.ofMinutes(90 + ThreadLocalRandom.current().nextInt(20 * 24 * 60)))
                    .truncatedTo(ChronoUnit.MINUTES);
            for (int p = 0; p < 40; p++) {
                players.add("outage-" + run + "-p" + p);
            }
            ingest = new IngestClient(ingestUrl);
        }

        void stream(Runnable duringTheStream) throws Exception {
            try (EventStream stream = new EventStream(ingest, players, window, experiment, run)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> stream.sentCount() >= 400);
                duringTheStream.run();
                int after = stream.sentCount();
                await().atMost(Duration.ofSeconds(120)).until(() -> stream.sentCount() >= after + 400);
                sent = stream.stop();
            }
        }

        void assertCountedOnce(Database db, StackInfo stack) {
            Settling.settle(db, ingest, players, window, "settled", sent, Duration.ofSeconds(120));
            new StoredAggregates(db).assertEqual(new ExpectedAggregates(sent), List.of(experiment), players);
            try (TopicProbe probe = TopicProbe.since(stack, started)) {
                assertEquals(0, probe.readAll(Topics.RAW_DLQ, m -> players.contains(m.getKey())).size(), "dead letters");
            }
            System.out.printf("%s outage: %d events, every one counted once%n", run, sent.size());
        }
    }

    private static boolean ready(String baseUrl) {
        return given().baseUri(baseUrl).when().get("/q/health/ready").then().extract().statusCode() == 200;
    }

    private static String readiness(String baseUrl) {
        return given().baseUri(baseUrl).when().get("/q/health/ready").then().extract().asString();
    }
}
