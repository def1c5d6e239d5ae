package io.veltrix.simulator.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;

/**
 * The ingest API as a game client uses it: {@code POST /v1/batch} with the write key as HTTP Basic user
 * (Segment's convention), optionally gzip-compressed. Never retries: the load generator reports what happened.
 *
 * <p>On Vert.x's HTTP client (one event loop, keep-alive connections opened as the load needs them): the JDK's
 * {@code java.net.http} client it replaced took about a quarter of the machine in the benchmark's ingest phase, CPU
 * that the server being measured did not have (BENCHMARKS.md, 2026-12-01 19:00).
 */
public final class IngestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CharSequence CONTENT_ENCODING = HttpHeaders.createOptimized("Content-Encoding");
    private static final CharSequence GZIP = HttpHeaders.createOptimized("gzip");
    private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized("application/json");

    private final Vertx vertx;
    private final HttpClient http;
    private final Context context;
    private final String batchUri;
    private final CharSequence authorization;
    private final boolean gzip;
    private final long timeoutMillis;

    /**
     * @param maxConnections connections kept at most (as many requests can be outstanding at once; more wait for one)
     */
    public IngestClient(String ingestUrl, String writeKey, boolean gzip, Duration timeout, int maxConnections) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        this.context = vertx.getOrCreateContext();
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
        this.batchUri = stripSlash(ingestUrl) + "/v1/batch";
        this.authorization = HttpHeaders.createOptimized(
                "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8)));
        this.gzip = gzip;
        this.timeoutMillis = timeout.toMillis();
    }

    /** Sends one batch body; completes with the answer (never exceptionally), on the client's event loop. */
    public CompletableFuture<BatchOutcome> send(byte[] body, int events) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(batchUri)
                .setIdleTimeout(timeoutMillis)
                .putHeader(HttpHeaders.AUTHORIZATION, authorization)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE);
        if (gzip) {
            request.putHeader(CONTENT_ENCODING, GZIP);
            body = gzip(body);
        }
        Buffer payload = Buffer.buffer(body);
        CompletableFuture<BatchOutcome> outcome = new CompletableFuture<>();
        // on the client's event loop: the response's body handler is then set in the same turn as its head arrives.
        // Called from the load generator's thread instead, the body could be read before the handler was set: one
        // answer in ~6,000 came back as an empty 200 in the benchmark's end-to-end phase (Vert.x 4.5)
        context.runOnContext(v -> http.request(request)
                .compose(r -> r.send(payload))
                .compose(response -> response.body().map(answer -> outcome(response.statusCode(), answer.getBytes(), events)))
                .onComplete(result -> outcome.complete(result.succeeded() ? result.result()
                        : BatchOutcome.failed(events, rootCause(result.cause())))));
        return outcome;
    }

    @Override
    public void close() {
        http.close();
        vertx.close();
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
