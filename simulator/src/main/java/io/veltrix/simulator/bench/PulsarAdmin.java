package io.veltrix.simulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The few Pulsar admin REST calls the benchmark needs (topics of namespace {@code veltrix/events}), as the broker's
 * superuser: the benchmark plays the operator (its own topics, and the grants the services need on them).
 */
public final class PulsarAdmin {
    public static final String NAMESPACE = "veltrix/events";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String adminUrl;
    private final String token;

    /** @param token the superuser's token ({@code StackInfo.pulsarTokens().admin()}) */
    public PulsarAdmin(String adminUrl, String token) {
        this.adminUrl = adminUrl.endsWith("/") ? adminUrl.substring(0, adminUrl.length() - 1) : adminUrl;
        this.token = token;
    }

    /** {@code persistent://veltrix/events/<name>}. */
    public static String topic(String name) {
        return "persistent://" + NAMESPACE + "/" + name;
    }

    /** Creates a non-partitioned topic, like the stack creates events.raw (409 = already there). */
    public void createTopic(String name) {
        expect(call("PUT", path(name), null), "create topic " + name, 409);
    }

    /** Creates a subscription at the end of the topic, so that everything published afterwards is its backlog. */
    public void createSubscription(String name, String subscription) {
        expect(call("PUT", path(name) + "/subscription/" + subscription, null), "create subscription " + subscription, 409);
    }

    /** Grants a role actions ({@code produce}, {@code consume}) on a topic, as the stack's set-up does on its topics. */
    public void grant(String name, String role, String... actions) {
        String body = java.util.Arrays.stream(actions).map(a -> "\"" + a + "\"")
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));
        expect(call("POST", path(name) + "/permissions/" + role, body), "grant " + body + " on " + name + " to " + role, -1);
    }

    /**
     * Messages (or batch entries) not yet acknowledged by the subscription; -1 when unknown. The benchmark asks five
     * times a second while the processor drains, so it asks for the least the broker can compute: without the
     * producers' and consumers' stats and the backlog's size in bytes (which the broker computes by default). At ten
     * full calls a second the broker's admin threads took about a tenth of its CPU in the drain (async-profiler,
     * 2026-12-02); most of a call is its token check and the web filters, whatever is asked.
     */
    public long backlog(String name, String subscription) {
        JsonNode stats = stats(name, "?subscriptionBacklogSize=false&excludePublishers=true&excludeConsumers=true");
        JsonNode sub = stats.path("subscriptions").path(subscription);
        return sub.isMissingNode() ? -1 : sub.path("msgBacklog").asLong(-1);
    }

    /** Average size in bytes of what producers published on the topic (payload and per-message metadata). */
    public double averageMessageBytes(String name) {
        JsonNode stats = stats(name);
        long messages = stats.path("msgInCounter").asLong();
        return messages == 0 ? 0 : (double) stats.path("bytesInCounter").asLong() / messages;
    }

    public JsonNode stats(String name) {
        return stats(name, "");
    }

    private JsonNode stats(String name, String query) {
        HttpResponse<String> response = call("GET", path(name) + "/stats" + query, null);
        expect(response, "read the stats of " + name, -1);
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("Pulsar answered no JSON for the stats of " + name + ": " + response.body(), e);
        }
    }

    /** Deletes a topic and its data (best effort). */
    public void deleteTopic(String name) {
        call("DELETE", path(name) + "?force=true", null);
    }

    private String path(String name) {
        return "/admin/v2/persistent/" + NAMESPACE + "/" + name;
    }

    private HttpResponse<String> call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adminUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Pulsar admin at " + adminUrl + " did not answer " + method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void expect(HttpResponse<String> response, String what, int alsoFine) {
        int status = response.statusCode();
        if (status / 100 != 2 && status != alsoFine) {
            throw new IllegalStateException("Pulsar refused to " + what + ": HTTP " + status + " " + response.body());
        }
    }
}
