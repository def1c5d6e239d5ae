package io.veltrix.systemtests.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import io.veltrix.schemas.Topics;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import io.veltrix.testing.TopicProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Edge-valued events through the whole stack: ids of white space, U+0000 and lone surrogates, numbers at, beyond and
 * far beyond the ranges the schemas declare (1e400 included), times at and beyond the skew and age limits. Every
 * event ingest answers {@code accepted} is counted by the processor, and the processor refuses none of them: the
 * rules are applied at the edge, with the processor's own code.
 */
class AcceptedMeansCountedTest {

    static final String[] REVENUES = {"0", "0.01", "4.99", "1e-300", "-0.0", "999999.99", "1000000", "1000000000", "1000000000.01",
            "1e15", "1e16", "-1", "1e400", "-1e400", "123456789012345678901234567890"};
    static final String[] QUANTITIES = {"0", "1", "100", "1000", "1001", "-1", "2147483647", "2147483648", "1e400"};
    static final String[] PLAYERS = {"\"p-%s\"", "\"   \"", "\"p-\\u0000-%s\"", "\"p-\\ud800-%s\"", "\"p-😀-%s\"",
            "\"\\t%s\"", "\"p-\\u202e-%s\""};

    @Test
    void everyAcceptedEdgeValuedEventIsCounted() {
        TestServices services = TestServices.get();
        StackInfo stack = services.stack();
        Instant started = Instant.now();
        String run = "amc-" + Long.toString(System.nanoTime(), 36);
        Random random = new Random(run.hashCode());
        Set<String> accepted = new HashSet<>();
        List<String> sentIds = new ArrayList<>();
        int rejected = 0;
        for (int r = 0; r < 8; r++) {
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = run + "-" + r + "-" + i;
                sentIds.add(id);
                Instant now = Instant.now();
                long offsetSeconds = List.of(0L, 3_500L, 3_700L, -29L * 86_400, -31L * 86_400, -60L)
                        .get(random.nextInt(6));
                String player = String.format(PLAYERS[random.nextInt(PLAYERS.length)], id);
                events.add("""
                        {"type":"track","event":"purchase_completed","userId":%s,"messageId":"%s","timestamp":"%s",
                         "properties":{"order_id":"o-%s","product_id":"gems-100","revenue":%s,"currency":"EUR","quantity":%s}}"""
                        .formatted(player, id, now.plusSeconds(offsetSeconds), id, REVENUES[random.nextInt(REVENUES.length)],
                                QUANTITIES[random.nextInt(QUANTITIES.length)]));
            }
            JsonPath answer = given().baseUri(services.url(TestServices.INGEST)).auth().preemptive()
                    .basic(TestServices.WRITE_KEY, "").contentType("application/json")
                    .body("{\"batch\":[" + String.join(",", events) + "]}")
                    .post("/v1/batch").then().statusCode(200).extract().jsonPath();
            for (Map<String, Object> result : answer.<Map<String, Object>>getList("results")) {
                if ("accepted".equals(result.get("status"))) {
                    accepted.add((String) result.get("messageId"));
                } else {
                    assertEquals("rejected", result.get("status"), result.toString());
                    rejected++;
                }
            }
        }
        assertTrue(accepted.size() > 20 && rejected > 20, "both kinds: " + accepted.size() + " accepted, " + rejected + " rejected");

        Database db = new Database(stack);
        // the event log keeps a key per event (processing.event_key(source, messageId)), not the messageId itself
        String counted = "select count(*) from processing.processed_event where event_key in "
                + "(select processing.event_key(?, i) from unnest(cast(? as text[])) i)";
        Object acceptedIds = accepted.toArray(String[]::new);
        Object allIds = sentIds.toArray(String[]::new);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                db.number(counted, TestServices.SOURCE, acceptedIds) >= accepted.size());
        assertEquals(accepted.size(), db.number(counted, TestServices.SOURCE, acceptedIds), "every accepted event counted");
        assertEquals(accepted.size(), db.number(counted, TestServices.SOURCE, allIds),
                "nothing counted of what ingest rejected");
        try (TopicProbe probe = TopicProbe.since(stack, started)) {
            assertEquals(List.of(), probe.readAll(Topics.REJECTED, m -> "processor".equals(m.getProperty("stage"))
                    && m.getProperty(Topics.PROP_EVENT_ID) != null && m.getProperty(Topics.PROP_EVENT_ID).startsWith(run))
                    .stream().map(m -> m.getProperty("reason") + " " + m.getProperty(Topics.PROP_EVENT_ID)).toList(),
                    "the processor refuses none of what ingest accepted");
        }
    }
}
