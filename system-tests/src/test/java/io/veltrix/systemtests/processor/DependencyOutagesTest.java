package io.veltrix.systemtests.processor;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.veltrix.stack.PulsarStandalone;
import io.veltrix.stack.ServiceProcess;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.TcpProxy;
import io.veltrix.testing.TestServices;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The registry and the broker fail while the processor runs: it waits (not ready while the registry is away),
 * resumes by itself, and every accepted event is counted exactly once, none dead-lettered.
 */
class DependencyOutagesTest extends PlatformTest {

    @Test
    void aProcessorThatStartsWhileTheRegistryIsUnreachableWaitsAndThenCountsEverything() throws Exception {
        URI registry = URI.create(services.stack().registryUrl());
        try (TcpProxy proxy = new TcpProxy(registry.getHost(), registry.getPort())) {
            // the processor's registry is behind a proxy that is down: it knows no schema yet (a fresh start)
            String viaProxy = registry.toString().replace(":" + registry.getPort() + "/", ":" + proxy.port() + "/");
            ServiceProcess processor = services.restart(TestServices.PROCESSOR, Map.of("veltrix.registry.url", viaProxy));
            try {
                StreamRun run = new StreamRun("registry", db, services.url(TestServices.INGEST), 40).stream(stream -> {
                    // (the processor is still starting: its port may not answer yet)
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                            readiness(processor.managementUrl()).contains("\"DOWN\"") && readiness(processor.managementUrl()).contains("registry"));
                    proxy.up();
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> ready(processor.managementUrl()));
                });
                run.assertCountedOnce(services.stack());
                System.out.printf("registry outage: %d events, every one counted once%n", run.sent().size());
            } finally {
                services.restart(TestServices.PROCESSOR);
            }
        }
    }

    @Test
    void aBrokerRestartWhileEventsFlowLosesNothingAndCountsNothingTwice() throws Exception {
        try (PulsarStandalone pulsar = PulsarStandalone.create(TestServices.projectRoot()
                .resolve("system-tests/target/restart-pulsar-" + UUID.randomUUID().toString().substring(0, 8)))) {
            pulsar.start(Duration.ofMinutes(3));
            StackInfo privateBroker = services.stack().withPulsar(pulsar.serviceUrl(), pulsar.adminUrl(), pulsar.tokens());
            ServiceProcess ingest = services.startExtra(TestServices.INGEST, "restart-ingest", privateBroker);
            ServiceProcess processor = services.startExtra(TestServices.PROCESSOR, "restart-processor", privateBroker);
            try {
                StreamRun run = new StreamRun("broker", db, ingest.baseUrl(), 40).stream(stream -> {
                    pulsar.stop();
                    // the stream goes on: ingest answers 503 meanwhile and the client sends again
                    pulsar.start(Duration.ofMinutes(3));
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> ready(processor.managementUrl()));
                });
                run.assertCountedOnce(privateBroker);
                System.out.printf("broker restart: %d events, every one counted once%n", run.sent().size());
            } finally {
                processor.stop();
                ingest.stop();
            }
        }
    }

    /** Whether the service's readiness (on its management interface) answers 200. */
    static boolean ready(String managementUrl) {
        return given().baseUri(managementUrl).when().get("/q/health/ready").then().extract().statusCode() == 200;
    }

    static String readiness(String managementUrl) {
        return given().baseUri(managementUrl).when().get("/q/health/ready").then().extract().asString();
    }
}
