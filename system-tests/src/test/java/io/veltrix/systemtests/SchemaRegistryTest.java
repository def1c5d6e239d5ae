package io.veltrix.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.registry.SchemaRegistrar;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.RealStackResource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry is the single source of truth and guards compatibility (real Apicurio on PostgreSQL). */
class SchemaRegistryTest {

    private final StackInfo stack = RealStackResource.TestStack.get();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void registeringAgainChangesNothing() {
        List<String> again = SchemaRegistrar.registerAll(stack.registryUrl());
        assertEquals(EventCatalog.registeredSchemas().size(), again.size());
        again.forEach(line -> assertTrue(line.contains(": unchanged, version"), line));
    }

    @Test
    void everyArtifactCarriesBackwardCompatibilityAndValidityRules() throws Exception {
        String rules = get("/groups/io.veltrix.events/artifacts/TreasureClaimed/rules");
        assertTrue(rules.contains("COMPATIBILITY") && rules.contains("VALIDITY"), rules);
        assertTrue(get("/groups/io.veltrix.events/artifacts/TreasureClaimed/rules/COMPATIBILITY").contains("BACKWARD"));
    }

    @Test
    void anIncompatibleVersionIsRefused() throws Exception {
        // a new required field without a default: old events could not be read with it
        String latest = get("/groups/io.veltrix.events/artifacts/TreasureClaimed/versions/branch=latest/content");
        String incompatible = latest.replaceFirst("\"fields\"\\s*:\\s*\\[",
                "\"fields\": [{\"name\": \"mandatory_new_field\", \"type\": \"string\"}, ");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.registryUrl()
                        + "/groups/io.veltrix.events/artifacts/TreasureClaimed/versions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":{\"content\":" + quote(incompatible)
                        + ",\"contentType\":\"application/json\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("RuleViolationException"), response.body());
        assertTrue(response.body().contains("mandatory_new_field"), response.body());
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.registryUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
