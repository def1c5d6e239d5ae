package io.veltrix.experiments.console;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.veltrix.experiments.support.Api;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Stands in for ingest-service's admin API in the console's tests: answers GET /admin/v1/rejections/summary like
 * ingest does (same JSON shape, fixed counts) to the test's analyst and admin tokens, 401 to anything else, and
 * remembers what it was asked.
 */
public class IngestStub implements QuarkusTestResourceLifecycleManager {

    /** The summary it answers: 7 rejections, two groups. */
    public static final String SUMMARY = """
            {"from": "2026-01-01T00:00:00Z", "to": "2026-01-01T01:00:00Z", "total": 7,
             "byReason": {"wrong_type": 5, "unknown_event_type": 2},
             "byEventType": {"treasure_claimed": 5, "chest_opened": 2},
             "bySchemaVersion": {"treasure_claimed:3": 5, "(none)": 2},
             "bySdk": {"@segment/analytics-node 3.1.0": 5, "analytics-unity 1.2.0": 2},
             "bySource": {"treasure-hunt": 7}, "byStage": {"ingest": 7},
             "groups": [
               {"reason": "wrong_type", "eventType": "treasure_claimed", "schemaVersion": "treasure_claimed:3",
                "sdk": "@segment/analytics-node 3.1.0", "sourceId": "treasure-hunt", "stage": "ingest", "count": 5,
                "firstRejectedAt": "2026-01-01T00:10:00Z", "lastRejectedAt": "2026-01-01T00:50:00Z",
                "examplePath": "$.batch[3].properties.coins", "exampleMessage": "expected a number, got a string",
                "exampleEventId": "evt-wrong-1"},
               {"reason": "unknown_event_type", "eventType": "chest_opened", "schemaVersion": "(none)",
                "sdk": "analytics-unity 1.2.0", "sourceId": "treasure-hunt", "stage": "ingest", "count": 2,
                "firstRejectedAt": "2026-01-01T00:20:00Z", "lastRejectedAt": "2026-01-01T00:30:00Z",
                "examplePath": "$.event", "exampleMessage": "no schema registered for chest_opened",
                "exampleEventId": "evt-unknown-1"}],
             "groupCount": 2, "scanned": 7, "undecodable": 0, "truncated": false}
            """;

    static volatile String lastAuthorization;
    static volatile String lastQuery;

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/admin/v1/rejections/summary", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            lastAuthorization = auth;
            lastQuery = exchange.getRequestURI().getRawQuery();
            boolean known = ("Bearer " + Api.READ_TOKEN).equals(auth) || ("Bearer " + Api.ADMIN_TOKEN).equals(auth);
            byte[] body = (known ? SUMMARY : "{\"error\": \"unauthorized\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(known ? 200 : 401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return Map.of("quarkus.rest-client.ingest.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
