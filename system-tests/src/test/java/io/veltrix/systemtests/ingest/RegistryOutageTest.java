package io.veltrix.systemtests.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.restassured.http.ContentType;
import io.veltrix.stack.Ports;
import io.veltrix.stack.ServiceProcess;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.RealStackResource;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Without the schema registry ingest can only refuse: it is alive but not ready, and a request is answered 503
 * (nothing accepted, nothing rejected on a guess). Here the registry URL points at a port where nothing listens.
 */
class RegistryOutageTest {

    private static ServiceProcess ingest;

    @BeforeAll
    static void start() {
        StackInfo shared = RealStackResource.TestStack.get();
        StackInfo noRegistry = shared.withRegistry("http://127.0.0.1:" + Ports.freePort() + "/apis/registry/v3");
        ingest = IngestProcesses.builder(noRegistry, "no-registry-ingest").healthPath("/q/health/live").start();
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.stop();
        }
    }

    @Test
    void withoutTheRegistryIngestIsNotReadyAndAnswers503() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> given().baseUri(ingest.managementUrl()).get("/q/health/ready").statusCode() == 503);
        given().baseUri(ingest.managementUrl()).get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'schema-registry' }.status", equalTo("DOWN"));
        given().baseUri(ingest.baseUrl()).auth().preemptive().basic(IngestProcesses.WRITE_KEY, "")
                .contentType(ContentType.JSON)
                .body("{\"event\":\"clue_found\",\"userId\":\"p\",\"properties\":{\"session_id\":\"s\",\"hunt_id\":\"h\","
                        + "\"clue_id\":\"c\",\"clue_index\":1}}")
                .when().post("/v1/track")
                .then().statusCode(503).header("Retry-After", notNullValue())
                .body("reason", equalTo("registry_unavailable"));
    }
}
