package io.veltrix.systemtests.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veltrix.testing.TestServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Sends events to an ingest process like an SDK would: POST /v1/batch, sending again what was not persisted. */
final class IngestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    IngestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /**
     * Sends the events until each is {@code accepted} or {@code duplicate} (an SDK's retry: same messageIds).
     *
     * @return how many were answered {@code accepted} by the last attempt that covered them
     * @throws AssertionError when one is rejected or they cannot be delivered within a minute
     */
    int send(List<TrackedEvent> events) {
        return send(events, null);
    }

    /**
     * The same, with the batch's {@code sentAt} (ingest then corrects each event's time with the request's own
     * arrival: two copies of one request reaching two replicas get times a few milliseconds apart).
     */
    int send(List<TrackedEvent> events, java.time.Instant sentAt) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<TrackedEvent> pending = events;
        int accepted = 0;
        while (!pending.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(pending.size() + " events not persisted by ingest within 60 s");
            }
            List<TrackedEvent> again = new ArrayList<>();
            try {
                JsonNode answer = post(pending, sentAt);
                JsonNode results = answer.path("results");
                for (int i = 0; i < pending.size(); i++) {
                    String status = results.path(i).path("status").asText();
                    switch (status) {
                        case "accepted" -> accepted++;
                        case "duplicate" -> { }
                        case "not_persisted" -> again.add(pending.get(i));
                        default -> throw new AssertionError("event " + pending.get(i) + " answered " + results.path(i));
                    }
                }
            } catch (IOException e) {
                again = pending; // the request did not go through: send it all again
            }
            pending = again;
            if (!pending.isEmpty()) {
                sleep();
            }
        }
        return accepted;
    }

    private JsonNode post(List<TrackedEvent> events, java.time.Instant sentAt) throws IOException {
        Map<String, Object> request0 = new java.util.LinkedHashMap<>();
        request0.put("batch", events.stream().map(TrackedEvent::json).toList());
        if (sentAt != null) {
            request0.put("sentAt", sentAt.toString());
        }
        String body = JSON.writeValueAsString(request0);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/batch"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (TestServices.WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 503 || response.statusCode() == 429) {
                throw new IOException("ingest answered " + response.statusCode());
            }
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
