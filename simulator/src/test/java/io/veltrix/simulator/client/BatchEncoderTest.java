package io.veltrix.simulator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veltrix.simulator.game.GameSettings;
import io.veltrix.simulator.game.TreasureHuntGame;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchEncoderTest {

    @Test
    void writesASegmentBatchLikeAMobileSdk() throws Exception {
        TreasureHuntGame game = new TreasureHuntGame(GameSettings.defaults(10, 0, "enc", 1), p -> List.of(), Clock.systemUTC());
        List<io.veltrix.simulator.game.GameEvent> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add(game.next());
        }
        byte[] body = new BatchEncoder().encode(events, Instant.parse("2026-11-26T10:00:01.5Z"));
        JsonNode batch = new ObjectMapper().readTree(body);
        assertEquals("2026-11-26T10:00:01.500Z", batch.path("sentAt").asText());
        assertEquals(100, batch.path("batch").size());
        for (JsonNode event : batch.path("batch")) {
            assertFalse(event.path("messageId").asText().isEmpty());
            assertTrue(event.path("userId").asText().startsWith("enc-"));
            assertTrue(event.path("timestamp").asText().endsWith("Z"));
            assertEquals("veltrix-simulator", event.at("/context/library/name").asText());
            assertEquals("Treasure Hunt", event.at("/context/app/name").asText());
            if (event.path("type").asText().equals("track")) {
                assertTrue(event.path("properties").isObject());
                assertFalse(event.path("event").asText().isEmpty());
            } else {
                assertEquals("identify", event.path("type").asText());
                assertTrue(event.path("traits").has("country"));
            }
        }
        assertTrue(new String(body, StandardCharsets.UTF_8).length() < 100 * 1000, "a batch of 100 stays far below 500 KB");

        // encoded ahead, stamped when it leaves (a whole second too: always with milliseconds, the same width)
        BatchEncoder.stampSentAt(body, Instant.parse("2027-01-02T03:04:05Z"));
        JsonNode stamped = new ObjectMapper().readTree(body);
        assertEquals("2027-01-02T03:04:05.000Z", stamped.path("sentAt").asText());
        assertEquals(batch.path("batch"), stamped.path("batch"));
    }

    @Test
    void readsIngestsAnswer() {
        BatchOutcome ok = IngestClient.outcome(200, """
                {"success":true,"accepted":2,"duplicate":1,"rejected":0,"results":[]}""".getBytes(StandardCharsets.UTF_8), 3);
        assertTrue(ok.ok());
        BatchOutcome refused = IngestClient.outcome(200, """
                {"success":false,"accepted":1,"duplicate":0,"rejected":1,"results":[{"index":0,"status":"accepted"},
                {"index":1,"status":"rejected","reason":"unknown_property","path":"$.batch[1].properties.x","message":"no such"}]}
                """.getBytes(StandardCharsets.UTF_8), 2);
        assertFalse(refused.ok());
        assertEquals("rejected unknown_property at $.batch[1].properties.x: no such", refused.firstProblem());
        BatchOutcome unavailable = IngestClient.outcome(503, "{\"success\":false,\"accepted\":0,\"duplicate\":0,\"rejected\":0,\"notPersisted\":5}"
                .getBytes(StandardCharsets.UTF_8), 5);
        assertEquals(5, unavailable.notPersisted());
        BatchOutcome noJson = IngestClient.outcome(401, "nope".getBytes(StandardCharsets.UTF_8), 4);
        assertEquals(4, noJson.notPersisted());
    }
}
