package io.veltrix.processor.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.veltrix.processor.ProcessorStackTest;
import io.veltrix.processor.RawEvents;
import io.veltrix.schemas.Topics;
import io.veltrix.testing.PulsarClients;
import io.veltrix.testing.RealStackResource;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

/** Dead letters moved back to events.raw after a fix are counted, once, however often they were dead-lettered. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class DeadLetterRedriveTest extends ProcessorStackTest {

    /** The management interface (health, metrics, OpenAPI: a port of their own). */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static final String TOKEN = "test-processor-admin-token";


    @Test
    void aRedrivenLetterIsCountedOnceEvenWhenItWasDeadLetteredTwice() throws Exception {
        String id = "dlq-" + UUID.randomUUID();
        String player = "p-" + id;
        // a minute of its own in the past, so the traffic count there is this test's alone
        Instant occurred = Instant.now().minus(Duration.ofMinutes(1 + ThreadLocalRandom.current().nextInt(20 * 24 * 60)))
                .truncatedTo(ChronoUnit.MINUTES).plusSeconds(11);
        byte[] payload = raw.encode(raw.treasureClaimed(id, player, occurred, 40));
        // the same valid event dead-lettered twice (e.g. by a bug since fixed, on two instances)
        try (PulsarClient client = PulsarClients.operator(stack);
             Producer<byte[]> dlq = client.newProducer(Schema.BYTES).topic(Topics.RAW_DLQ).create()) {
            for (int i = 0; i < 2; i++) {
                dlq.newMessage().key(player).value(payload).property(Topics.PROP_EVENT_ID, id)
                        .property(Topics.PROP_EVENT_TYPE, "treasure_claimed").send();
            }
        }

        double duplicatesBefore = duplicates();
        given().auth().oauth2(TOKEN).when().post("/admin/v1/dlq/redrive")
                .then().statusCode(200).body("moved", greaterThanOrEqualTo(2));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                db.number("select count(*) from processing.processed_event where event_key = processing.event_key(?, ?)", RawEvents.SOURCE, id) == 1);
        // the second copy went through the processor too, as a duplicate: the traffic of that minute counts one event
        await().atMost(Duration.ofSeconds(30)).until(() -> duplicates() >= duplicatesBefore + 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(1, db.number(
                "select coalesce(sum(events), 0) from processing.traffic_minute where event_type = 'treasure_claimed' and minute = ?",
                java.time.OffsetDateTime.ofInstant(occurred.truncatedTo(ChronoUnit.MINUTES), java.time.ZoneOffset.UTC))));
        given().auth().oauth2(TOKEN).when().post("/admin/v1/dlq/redrive?limit=10").then().statusCode(200);
        assertEquals(1, db.number("select count(*) from processing.processed_event where event_key = processing.event_key(?, ?)", RawEvents.SOURCE, id));
    }

    /** The processor's count of duplicates so far (this JVM's processor). */
    private double duplicates() {
        String metrics = given().port(management.getPort()).when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("veltrix_processor_events_duplicate_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void theAdminApiNeedsTheAdminToken() {
        given().when().post("/admin/v1/dlq/redrive").then().statusCode(401).body("reason", equalTo("unauthorized"));
        // a token nobody configured is no identity: 401, like no token
        given().auth().oauth2("not-the-token").when().post("/admin/v1/dlq/redrive")
                .then().statusCode(401).body("reason", equalTo("unauthorized"));
        given().auth().oauth2("not-the-token").when().get("/admin/v1/dlq").then().statusCode(401);
        given().auth().oauth2(TOKEN).when().post("/admin/v1/dlq/redrive?limit=-1").then().statusCode(400);
        given().auth().oauth2(TOKEN).when().get("/admin/v1/dlq").then().statusCode(200);
    }
}
