package io.veltrix.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.rejection.RejectedEvents;
import io.veltrix.testing.RealStackResource;
import io.veltrix.testing.TopicProbe;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.Test;

/**
 * Floods from one write key (application.properties gives the keys {@code flood} and {@code flood-bad} small limits):
 * 429 with Retry-After for that key while other keys are served, 413 for a request that could never fit, and the
 * growth of events.rejected bounded (records per request capped with one summary record, bytes per key limited).
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class FloodTest {

    /** The management interface (health, metrics, OpenAPI: a port of their own). */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    static String pages(String prefix, int count, boolean bad) {
        StringBuilder body = new StringBuilder("{\"context\":{\"library\":{\"name\":\"flood-test\"},\"note\":\"" + prefix
                + "\"},\"batch\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"page\",\"userId\":")
                    .append(bad ? "true" : "\"" + prefix + "-p\"").append(",\"messageId\":\"").append(prefix).append('-')
                    .append(i).append("\"}");
        }
        return body.append("]}").toString();
    }

    static Response send(String key, String body) {
        return given().auth().preemptive().basic(key, "").contentType(ContentType.JSON).body(body).post("/v1/batch");
    }

    @Test
    void aFloodFromOneKeyGets429WithRetryAfterAndOtherKeysAreServed() {
        String run = "flood-" + UUID.randomUUID();
        // the flood key may send 200 events at once and 20 per second
        send("flood-write-key", pages(run + "-a", 100, false)).then().statusCode(200).body("accepted", equalTo(100));
        send("flood-write-key", pages(run + "-b", 100, false)).then().statusCode(200).body("accepted", equalTo(100));
        Response limited = send("flood-write-key", pages(run + "-c", 100, false));
        limited.then().statusCode(429).body("reason", equalTo("rate_limited")).header("Retry-After", notNullValue());
        assertTrue(Integer.parseInt(limited.header("Retry-After")) >= 1, limited.header("Retry-After"));

        // another key is not affected
        send("test-write-key", pages(run + "-other", 100, false)).then().statusCode(200).body("accepted", equalTo(100));
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            assertEquals(0, probe.readAll(Topics.RAW, m -> m.getProperty(Topics.PROP_EVENT_ID) != null
                    && m.getProperty(Topics.PROP_EVENT_ID).startsWith(run + "-c-")).size(), "nothing of the 429 accepted");
        }
        given().port(management.getPort()).get("/q/metrics").then().body(containsString("veltrix_ingest_limited_total{limit=\"events_per_second\"}"));
    }

    @Test
    void aRequestLargerThanTheKeysBurstIs413() {
        send("flood-write-key", pages("burst-" + UUID.randomUUID(), 201, false)).then().statusCode(413)
                .body("reason", equalTo("too_many_events")).body("limit", equalTo(200));
    }

    @Test
    void aFloodOfRefusedEventsIsStoppedByTheKeysRejectedBytesLimit() {
        String run = "bad-" + UUID.randomUUID();
        // 20 KB at once, 2 KB per second of rejection records: ten bad events are about 6 KB of records
        int refused = 0;
        for (int i = 0; i < 10 && refused == 0; i++) {
            Response answer = send("flood-bad-write-key", pages(run + "-" + i, 10, true));
            if (answer.statusCode() == 429) {
                answer.then().body("reason", equalTo("rate_limited")).body("message", containsString("refused events"));
                refused++;
            } else {
                answer.then().statusCode(200).body("rejected", equalTo(10));
            }
        }
        assertEquals(1, refused, "the key's flood of refused events is stopped");
        send("test-write-key", pages(run + "-other", 10, true)).then().statusCode(200).body("rejected", equalTo(10));
    }

    @Test
    void aRequestKeepsAtMostAHundredRejectionRecordsOneSummaryAndItsContextOnce() {
        String run = "cap-" + UUID.randomUUID();
        send("test-write-key", pages(run, 250, true)).then().statusCode(200)
                .body("rejected", equalTo(250)).body("results.size()", equalTo(250))
                .body("results[249].reason", equalTo("wrong_type"));
        try (TopicProbe probe = TopicProbe.sinceTestStart(RealStackResource.TestStack.get())) {
            Message<byte[]> first = probe.awaitOne(Topics.REJECTED, TopicProbe.property(Topics.PROP_EVENT_ID, run + "-0"),
                    Duration.ofSeconds(30));
            String request = first.getProperty(RejectedEvents.PROP_REQUEST_ID);
            assertNotNull(request);
            List<Message<byte[]>> records = probe.await(Topics.REJECTED,
                    TopicProbe.property(RejectedEvents.PROP_REQUEST_ID, request), 101, Duration.ofSeconds(30));
            List<Message<byte[]>> all = probe.readAll(Topics.REJECTED, TopicProbe.property(RejectedEvents.PROP_REQUEST_ID, request));
            assertEquals(101, all.size(), "100 records and one summary");
            List<Message<byte[]>> summaries = all.stream()
                    .filter(m -> RejectedEvents.SCOPE_SUMMARY.equals(m.getProperty(RejectedEvents.PROP_SCOPE))).toList();
            assertEquals(1, summaries.size());
            assertEquals("150", summaries.get(0).getProperty(RejectedEvents.PROP_OMITTED));
            assertEquals("rejections_not_kept", summaries.get(0).getProperty(RejectedEvents.PROP_REASON));
            long withContext = all.stream().filter(m -> m.getProperty(RejectedEvents.PROP_BATCH_CONTEXT) != null).count();
            assertEquals(1, withContext, "the batch context is kept once per request");
            assertTrue(records.get(0).getProperty(RejectedEvents.PROP_BATCH_CONTEXT) != null,
                    "and on the request's first record on the topic");
        }
    }

    @Test
    void unknownEventNamesAreAnsweredWithoutARegistryCallPerName() {
        String run = "unk" + UUID.randomUUID().toString().substring(0, 8);
        double before = registryReads();
        StringBuilder body = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 2_000; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"").append(run).append(" made up ").append(i)
                    .append("\",\"userId\":\"p\",\"messageId\":\"").append(run).append('-').append(i).append("\"}");
        }
        send("test-write-key", body.append("]}").toString()).then().statusCode(200)
                .body("rejected", equalTo(2_000)).body("results[1999].reason", equalTo("unknown_event_type"));
        // at most a refresh of the catalogue (one call) and of the RejectedEvent schema happened meanwhile
        assertTrue(registryReads() - before <= 2, "registry reads for 2,000 unknown names: " + (registryReads() - before));
    }

    double registryReads() {
        String metrics = given().port(management.getPort()).get("/q/metrics").asString();
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("veltrix_ingest_registry_reads_total{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
