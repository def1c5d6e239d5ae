package io.veltrix.systemtests.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.veltrix.schemas.Topics;
import io.veltrix.stack.PulsarStandalone;
import io.veltrix.stack.ServiceProcess;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.RealStackResource;
import io.veltrix.testing.TestServices;
import io.veltrix.testing.TopicProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away and comes back, under a running ingest. A private, throwaway Pulsar standalone (never the
 * shared test broker) is stopped: readiness fails, requests get 503 with Retry-After and report nothing accepted.
 * It is started again: ingest is ready again and accepts the same events, without a restart.
 */
class BrokerOutageTest {

    private static StackInfo shared;
    private static PulsarStandalone pulsar;
    private static StackInfo privateStack;
    private static ServiceProcess ingest;

    @BeforeAll
    static void start() {
        shared = RealStackResource.TestStack.get();
        pulsar = PulsarStandalone.create(TestServices.projectRoot()
                .resolve("system-tests/target/outage-pulsar-" + UUID.randomUUID().toString().substring(0, 8)));
        pulsar.start(Duration.ofMinutes(3));
        // the same registry, another broker
        privateStack = shared.withPulsar(pulsar.serviceUrl(), pulsar.adminUrl(), pulsar.tokens());
        ingest = IngestProcesses.builder(privateStack, "outage-ingest").start();
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.stop();
        }
        if (pulsar != null) {
            pulsar.close();
        }
    }

    @Test
    void whileTheBrokerIsDownNothingIsReportedAcceptedAndSendingResumesWhenItIsBack() {
        Instant started = Instant.now();
        String id = "outage-" + UUID.randomUUID();
        send(batch(id + "-before")).then().statusCode(200).body("accepted", equalTo(2));

        pulsar.stop();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> given().baseUri(ingest.managementUrl()).get("/q/health/ready").statusCode() == 503);
        given().baseUri(ingest.managementUrl()).get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));

        send(batch(id + "-during")).then()
                .statusCode(503)
                .header("Retry-After", notNullValue())
                .body("success", equalTo(false))
                .body("accepted", equalTo(0))
                .body("notPersisted", equalTo(3))
                .body("results.status", everyItem(equalTo("not_persisted")));
        // a request refused as a whole cannot be recorded either: 503 too, not 400
        given().baseUri(ingest.baseUrl()).auth().preemptive().basic(IngestProcesses.WRITE_KEY, "")
                .contentType(ContentType.JSON).body("{\"batch\":[")
                .when().post("/v1/batch")
                .then().statusCode(503).header("Retry-After", notNullValue()).body("reason", equalTo("broker_unavailable"));

        pulsar.start(Duration.ofMinutes(3));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> given().baseUri(ingest.managementUrl()).get("/q/health/ready").statusCode() == 200);
        // the client sends the refused events again: accepted now (not duplicates: they were never accepted)
        send(batch(id + "-during")).then().statusCode(200)
                .body("accepted", equalTo(2)).body("rejected", equalTo(1))
                .body("results[0].status", equalTo("accepted"));

        try (TopicProbe probe = TopicProbe.since(privateStack, started)) {
            for (String eventId : new String[] {id + "-before-1", id + "-before-2", id + "-during-1", id + "-during-2"}) {
                assertEquals(1, probe.readAll(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, eventId)).size(), eventId);
            }
            assertEquals(1, probe.readAll(Topics.REJECTED, TopicProbe.property(Topics.PROP_EVENT_ID, id + "-during-3")).size());
        }
        assertEquals(true, ingest.isAlive(), "no restart");
    }

    private static Response send(String body) {
        return given().baseUri(ingest.baseUrl()).auth().preemptive().basic(IngestProcesses.WRITE_KEY, "")
                .contentType(ContentType.JSON).body(body)
                .when().post("/v1/batch");
    }

    /** Two valid events and a refused one (its rejection must be persisted too). */
    private static String batch(String id) {
        return "{\"batch\":["
                + clue(id + "-1", "1") + "," + clue(id + "-2", "2") + "," + clue(id + "-3", "\"three\"") + "]}";
    }

    private static String clue(String id, String index) {
        return "{\"type\":\"track\",\"event\":\"clue_found\",\"userId\":\"p-" + id + "\",\"messageId\":\"" + id + "\","
                + "\"properties\":{\"session_id\":\"s\",\"hunt_id\":\"h\",\"clue_id\":\"c\",\"clue_index\":" + index + "}}";
    }
}
