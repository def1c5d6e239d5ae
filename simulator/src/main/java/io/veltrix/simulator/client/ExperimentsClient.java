package io.veltrix.simulator.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veltrix.simulator.game.Assignment;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The experiments API as the simulator (a game backend) uses it: the one place that knows its paths and payloads.
 *
 * <p>A player's variant is whatever experiments-service says ({@code GET /api/v1/assignments?playerId=}: the player's
 * assignment in every running experiment), never computed here, so there is one source of truth; answers are cached
 * per player for the run. Writes (create, start) use the admin token, reads the read token (or the admin token), both
 * as {@code Authorization: Bearer}.
 */
public final class ExperimentsClient {

    static final String EXPERIMENTS = "/api/v1/experiments";
    /** A player's assignment in every running experiment at once. */
    static final String ASSIGNMENTS = "/api/v1/assignments?playerId=";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String adminToken;
    private final String readToken;
    private final String sdkKey;
    /** Per player: the variant key of each running experiment the player is in. */
    private final Map<String, Map<String, Assignment>> assignments = new ConcurrentHashMap<>();

    /**
     * @param adminToken for create/start; may be null when only reading
     * @param readToken  for reads (the analyst token); null = use the admin token
     * @param sdkKey     for the players' assignments, as game clients ask for them (the SDK key); null = use the admin token
     */
    public ExperimentsClient(String baseUrl, String adminToken, String readToken, String sdkKey) {
        this.baseUrl = IngestClient.stripSlash(baseUrl);
        this.adminToken = adminToken;
        this.readToken = readToken != null ? readToken : adminToken;
        this.sdkKey = sdkKey != null ? sdkKey : adminToken;
    }

    /** An experiment as the API shows it. */
    public record Experiment(String key, String status, List<String> variantKeys, JsonNode raw) {
        public boolean running() {
            return "running".equalsIgnoreCase(status);
        }
    }

    /** A variant to create. */
    public record VariantSpec(String key, String name, double weight, Map<String, Object> parameters) {
    }

    /** A metric: an event type or {@code event_type.property}; kind conversion or mean. */
    public record MetricSpec(String name, String kind) {
    }

    /** The experiment, or empty when there is none with that key. */
    public Optional<Experiment> experiment(String key) {
        HttpResponse<String> response = call("GET", EXPERIMENTS + "/" + encode(key), null, readToken);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(experimentOf(expectOk(response, "read experiment " + key)));
    }

    /** The running experiments. */
    public List<Experiment> running() {
        JsonNode answer = expectOk(call("GET", EXPERIMENTS + "?status=running", null, readToken), "list running experiments");
        JsonNode items = answer.isArray() ? answer : answer.path("items");
        List<Experiment> result = new ArrayList<>();
        for (JsonNode item : items) {
            Experiment experiment = experimentOf(item);
            if (experiment.running()) {
                result.add(experiment);
            }
        }
        return result;
    }

    /** Creates an experiment (draft). */
    public Experiment create(String key, String name, String description, double coverage, List<VariantSpec> variants,
                             MetricSpec primaryMetric, List<MetricSpec> guardrails) {
        ObjectNode body = JSON.createObjectNode();
        body.put("key", key);
        body.put("name", name);
        body.put("description", description);
        body.put("coverage", coverage);
        ArrayNode variantArray = body.putArray("variants");
        for (VariantSpec variant : variants) {
            ObjectNode v = variantArray.addObject();
            v.put("key", variant.key());
            v.put("name", variant.name());
            v.put("weight", variant.weight());
            v.set("parameters", JSON.valueToTree(variant.parameters()));
        }
        body.set("primaryMetric", JSON.valueToTree(primaryMetric));
        body.set("guardrailMetrics", JSON.valueToTree(guardrails));
        return experimentOf(expectOk(call("POST", EXPERIMENTS, body.toString(), adminToken), "create experiment " + key));
    }

    /** Starts (or restarts) an experiment. */
    public Experiment start(String key) {
        return experimentOf(expectOk(call("POST", EXPERIMENTS + "/" + encode(key) + "/start", null, adminToken),
                "start experiment " + key));
    }

    /** Stops an experiment (it keeps its results; players are no longer assigned). */
    public Experiment stop(String key) {
        return experimentOf(expectOk(call("POST", EXPERIMENTS + "/" + encode(key) + "/stop", null, adminToken),
                "stop experiment " + key));
    }

    /** The experiment's results (JSON for dashboards), or empty while the API has none. */
    public Optional<JsonNode> results(String key) {
        HttpResponse<String> response = call("GET", EXPERIMENTS + "/" + encode(key) + "/results", null, readToken);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(expectOk(response, "read results of " + key));
    }

    /** The player's variant of the experiment (cached), or empty when the player is not in it or it is not running. */
    public Optional<Assignment> assignment(String experimentKey, String playerId) {
        return Optional.ofNullable(assignments.computeIfAbsent(playerId, this::fetchAssignments).get(experimentKey));
    }

    /**
     * Resolves many players' assignments (at most {@code parallel} requests at once), filling the cache, so that the
     * game's clock starts with every player's variant known.
     */
    public void prefetch(List<String> experimentKeys, List<String> playerIds, int parallel) {
        if (experimentKeys.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel), r -> {
            Thread thread = new Thread(r, "assignments");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (String player : playerIds) {
                pending.add(CompletableFuture.runAsync(() -> assignment(experimentKeys.get(0), player), pool));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdownNow();
        }
    }

    /** A player's variants of the given experiments (from the cache after the first call). */
    public List<Assignment> assignments(List<String> experimentKeys, String playerId) {
        List<Assignment> result = new ArrayList<>(experimentKeys.size());
        for (String key : experimentKeys) {
            assignment(key, playerId).ifPresent(result::add);
        }
        return result;
    }

    private Map<String, Assignment> fetchAssignments(String playerId) {
        JsonNode answer = expectOk(call("GET", ASSIGNMENTS + encode(playerId), null, sdkKey), "assign " + playerId);
        Map<String, Assignment> byExperiment = new java.util.HashMap<>();
        for (JsonNode assignment : answer) {
            if (!assignment.path("inExperiment").asBoolean(false)) {
                continue;
            }
            JsonNode parameters = assignment.path("parameters");
            Map<String, Object> params = parameters.isObject()
                    ? JSON.convertValue(parameters, new TypeReference<Map<String, Object>>() { })
                    : Map.of();
            String key = assignment.path("experimentKey").asText();
            byExperiment.put(key, new Assignment(key, assignment.path("variant").asText(),
                    assignment.path("variationId").asInt(), params));
        }
        return byExperiment;
    }

    private static Experiment experimentOf(JsonNode node) {
        List<String> variants = new ArrayList<>();
        for (JsonNode variant : node.path("variants")) {
            variants.add(variant.path("key").asText());
        }
        return new Experiment(node.path("key").asText(), node.path("status").asText(), variants, node);
    }

    private HttpResponse<String> call(String method, String path, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ExperimentsException("experiments-service at " + baseUrl + " did not answer " + method + " " + path
                    + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExperimentsException("interrupted", e);
        }
    }

    private static JsonNode expectOk(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new ExperimentsException("cannot " + what + ": HTTP " + response.statusCode() + " " + response.body(), null);
        }
        try {
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ExperimentsException("cannot " + what + ": the answer is not JSON: " + response.body(), e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The experiments API refused or could not be reached. */
    public static final class ExperimentsException extends RuntimeException {
        public ExperimentsException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
