package io.veltrix.simulator.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.zip.GZIPOutputStream;

/**
 * The ingest API as a game client uses it: {@code POST /v1/batch} with the write key as HTTP Basic user
 * (Segment's convention), optionally gzip-compressed. Never retries: the load generator reports what happened.
 */
public final class IngestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI batchUri;
    private final String authorization;
    private final boolean gzip;
    private final Duration timeout;

    public IngestClient(String ingestUrl, String writeKey, boolean gzip, Duration timeout, Executor executor) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(executor).build();
        this.batchUri = URI.create(stripSlash(ingestUrl) + "/v1/batch");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        this.gzip = gzip;
        this.timeout = timeout;
    }

    /** Sends one batch body; completes with the answer (never exceptionally). */
    public CompletableFuture<BatchOutcome> send(byte[] body, int events) {
        HttpRequest.Builder request = HttpRequest.newBuilder(batchUri).timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json");
        if (gzip) {
            request.header("Content-Encoding", "gzip");
            body = gzip(body);
        }
        return http.sendAsync(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> outcome(response.statusCode(), response.body(), events))
                .exceptionally(e -> BatchOutcome.failed(events, rootCause(e)));
    }

    static BatchOutcome outcome(int status, byte[] body, int events) {
        long[] counts = counts(body);
        if (counts != null && status == 200 && counts[0] + counts[1] == events) {
            // the common case, read without building a tree of the 100 per-event results
            return new BatchOutcome(status, events, counts[0], counts[1], 0, 0, null);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.has("accepted")) {
            String text = new String(body, StandardCharsets.UTF_8);
            return new BatchOutcome(status, events, 0, 0, 0, events, "HTTP " + status + " "
                    + (text.length() > 300 ? text.substring(0, 300) : text));
        }
        long accepted = answer.path("accepted").asLong();
        long duplicate = answer.path("duplicate").asLong();
        long rejected = answer.path("rejected").asLong();
        long notPersisted = answer.path("notPersisted").asLong(status == 200 ? 0 : events - accepted - duplicate - rejected);
        String problem = null;
        if (rejected > 0 || notPersisted > 0) {
            for (JsonNode result : answer.path("results")) {
                String state = result.path("status").asText();
                if (!state.equals("accepted") && !state.equals("duplicate")) {
                    problem = state + " " + result.path("reason").asText("") + " at " + result.path("path").asText("")
                            + ": " + result.path("message").asText("");
                    break;
                }
            }
        }
        return new BatchOutcome(status, events, accepted, duplicate, rejected, notPersisted, problem);
    }

    /** accepted and duplicate from the top of the answer (streaming), or null when it is not ingest's answer. */
    private static long[] counts(byte[] body) {
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            long[] counts = {-1, -1};
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("accepted".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    counts[0] = parser.getLongValue();
                } else if ("duplicate".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    counts[1] = parser.getLongValue();
                } else {
                    parser.skipChildren();
                }
                if (counts[0] >= 0 && counts[1] >= 0) {
                    return counts;
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
