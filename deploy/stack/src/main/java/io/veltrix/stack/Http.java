package io.veltrix.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small blocking HTTP helper over the JDK client, for health checks and admin calls. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    /** A response, or status -1 with the error when the server could not be reached. */
    record Response(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private Http() {
    }

    static Response get(String url, Duration timeout) {
        return get(url, null, timeout);
    }

    /** GET with {@code Authorization: Bearer <token>} (Pulsar's admin API), none when the token is null. */
    static Response get(String url, String token, Duration timeout) {
        return send(request(url, token, timeout).GET().build());
    }

    static Response put(String url, String json, Duration timeout) {
        return put(url, null, json, timeout);
    }

    static Response put(String url, String token, String json, Duration timeout) {
        return send(request(url, token, timeout).header("Content-Type", "application/json")
                .PUT(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    static Response post(String url, String json, Duration timeout) {
        return post(url, null, json, timeout);
    }

    static Response post(String url, String token, String json, Duration timeout) {
        return send(request(url, token, timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private static HttpRequest.Builder request(String url, String token, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    /** True when GET answers 200 within a short timeout. */
    static boolean isOk(String url) {
        return get(url, Duration.ofSeconds(2)).status() == 200;
    }

    private static Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Response(-1, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, "interrupted");
        }
    }
}
