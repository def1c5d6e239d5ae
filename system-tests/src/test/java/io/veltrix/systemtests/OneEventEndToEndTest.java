package io.veltrix.systemtests;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.restassured.http.ContentType;
import io.veltrix.schemas.Topics;
import io.veltrix.testing.TestServices;
import io.veltrix.testing.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One treasure_claimed event through the real platform: HTTP → ingest → Pulsar events.raw → processor →
 * PostgreSQL → experiments-service HTTP. No mocks, no in-memory connector.
 */
class OneEventEndToEndTest {

    private static TestServices services;

    @BeforeAll
    static void platform() {
        services = TestServices.get();
    }

    @Test
    void aTrackedEventIsPublishedDecodableAndCounted() throws Exception {
        String messageId = "e2e-" + UUID.randomUUID();
        String player = "player-" + UUID.randomUUID();
        // a minute of its own (in the past), so the count there is this test's alone whatever else runs: other tests
        // spread treasure_claimed events over past minutes too, so a random minute is tried until one is empty
        Instant found = null;
        for (int tries = 0; tries < 50 && found == null; tries++) {
            Instant candidate = Instant.now().minus(Duration.ofMinutes(1 + ThreadLocalRandom.current().nextInt(20 * 24 * 60)))
                    .truncatedTo(ChronoUnit.MINUTES).plusSeconds(17);
            if (count("treasure_claimed", candidate) == 0) {
                found = candidate;
            }
        }
        assertNotNull(found, "no empty past minute found for treasure_claimed in 50 tries");
        Instant occurred = found;
        assertEquals(0, count("treasure_claimed", occurred));

        // read events.raw from just before the send: the system tests' shared topic holds hundreds of thousands of
        // earlier messages (since the JVM started), too many to scan within the probe's wait on a slow machine
        Instant sent = Instant.now();
        given().baseUri(services.url(TestServices.INGEST))
                .auth().preemptive().basic(TestServices.WRITE_KEY, "")
                .contentType(ContentType.JSON)
                .body("""
                        {"event":"Treasure Claimed","userId":"%s","messageId":"%s",
                         "timestamp":"%s",
                         "properties":{"session_id":"s-1","hunt_id":"h-1","treasure_id":"t-1","tier":"rare","coins":75}}
                        """.formatted(player, messageId, occurred))
                .when().post("/v1/track")
                .then().statusCode(200)
                .body("accepted", equalTo(1))
                .body("results[0].status", equalTo("accepted"))
                .body("results[0].messageId", equalTo(messageId));

        // on events.raw: keyed by player, framed by Apicurio, decodable with the schema the registry returns
        try (TopicProbe probe = TopicProbe.since(services.stack(), sent)) {
            Message<byte[]> message = probe.awaitOne(Topics.RAW, TopicProbe.property(Topics.PROP_EVENT_ID, messageId),
                    Duration.ofSeconds(10));
            assertEquals(player, message.getKey());
            assertEquals("treasure_claimed", message.getProperty(Topics.PROP_EVENT_TYPE));
            byte[] payload = message.getValue();
            assertEquals(0, payload[0], "Apicurio magic byte");
            int contentId = ByteBuffer.wrap(payload, 1, 4).getInt();
            Schema schema = new Schema.Parser().parse(registryContent(contentId));
            GenericRecord event = new GenericDatumReader<GenericRecord>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(payload, 5, payload.length), null));
            assertEquals("io.veltrix.events.TreasureClaimed", event.getSchema().getFullName());
            assertEquals(messageId, ((GenericRecord) event.get("envelope")).get("event_id").toString());
            assertEquals(75L, ((GenericRecord) event.get("properties")).get("coins"));
        }

        // counted by the processor, visible through experiments-service
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> count("treasure_claimed", occurred) == 1);
        // sent again (a client retry): answered duplicate, never counted twice
        given().baseUri(services.url(TestServices.INGEST))
                .auth().preemptive().basic(TestServices.WRITE_KEY, "")
                .contentType(ContentType.JSON)
                .body("""
                        {"event":"treasure_claimed","userId":"%s","messageId":"%s","timestamp":"%s",
                         "properties":{"session_id":"s-1","hunt_id":"h-1","treasure_id":"t-1","tier":"rare","coins":75}}
                        """.formatted(player, messageId, occurred))
                .when().post("/v1/track")
                .then().statusCode(200)
                .body("results[0].status", equalTo("duplicate"));
        assertEquals(1, count("treasure_claimed", occurred));
    }

    /** Events of the type counted in the minute of {@code at}. */
    private static long count(String eventType, Instant at) {
        Instant minute = at.truncatedTo(ChronoUnit.MINUTES);
        return given().baseUri(services.url(TestServices.EXPERIMENTS))
                .auth().oauth2(TestServices.EXPERIMENTS_READ_TOKEN)
                .queryParam("from", minute.toString()).queryParam("to", minute.plusSeconds(60).toString())
                .when().get("/api/v1/traffic/" + eventType)
                .then().statusCode(200)
                .extract().jsonPath().getLong("total");
    }

    private static String registryContent(int contentId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(services.stack().registryUrl() + "/ids/contentIds/" + contentId)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
