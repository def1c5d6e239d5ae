package io.veltrix.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.registry.SchemaRegistrar;
import io.veltrix.stack.LocalSecrets;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.RealStackResource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The registry is the single source of truth and guards compatibility (real Apicurio on PostgreSQL); only the
 * registration step may write to it, everybody reads.
 */
class SchemaRegistryTest {

    private final StackInfo stack = RealStackResource.TestStack.get();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void registeringAgainChangesNothing() {
        List<String> again = SchemaRegistrar.registerAll(stack.registryUrl(), stack.registryWriter());
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
        HttpResponse<String> response = send("POST", "/groups/io.veltrix.events/artifacts/TreasureClaimed/versions",
                version(incompatible), basic(stack.registryWriter().user(), stack.registryWriter().password()));
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("RuleViolationException"), response.body());
        assertTrue(response.body().contains("mandatory_new_field"), response.body());
    }

    @Test
    void onlyTheRegistrationUserMayWriteEveryoneReads() throws Exception {
        String versions = "/groups/io.veltrix.events/artifacts/TreasureClaimed/versions";
        String before = get(versions);
        // a compatible new version (an optional field): the registry would take it from the registration user
        String latest = get(versions + "/branch=latest/content");
        String compatible = latest.replaceFirst("\"fields\"\\s*:\\s*\\[",
                "\"fields\": [{\"name\": \"intruder_field\", \"type\": [\"null\", \"string\"], \"default\": null}, ");
        // nobody, a wrong password, the services' own bearer tokens: refused before any rule is looked at
        List<Optional<String>> strangers = List.of(Optional.empty(),
                basic(stack.registryWriter().user(), stack.registryWriter().password() + "x"),
                basic("admin", "admin"),
                Optional.of("Bearer " + LocalSecrets.of(stack.home()).adminToken()));
        for (Optional<String> credentials : strangers) {
            HttpResponse<String> response = send("POST", versions, version(compatible), credentials);
            assertEquals(401, response.statusCode(), credentials.map(c -> c.split(" ")[0]).orElse("anonymous") + ": "
                    + response.body());
        }
        for (Optional<String> credentials : strangers) {
            assertEquals(401, send("PUT", "/groups/io.veltrix.events/artifacts/TreasureClaimed/rules/COMPATIBILITY",
                    "{\"ruleType\":\"COMPATIBILITY\",\"config\":\"NONE\"}", credentials).statusCode());
            assertEquals(401, send("DELETE", "/groups/io.veltrix.events/artifacts/TreasureClaimed", null, credentials)
                    .statusCode());
            assertEquals(401, send("PUT", "/admin/config/properties/apicurio.auth.anonymous-read-access.enabled",
                    "{\"value\":\"false\"}", credentials).statusCode());
        }
        // even the registration user cannot change global rules or the registry's configuration (role sr-developer)
        Optional<String> writer = basic(stack.registryWriter().user(), stack.registryWriter().password());
        assertEquals(403, send("POST", "/admin/rules", "{\"ruleType\":\"VALIDITY\",\"config\":\"NONE\"}", writer)
                .statusCode());
        assertEquals(403, send("PUT", "/admin/config/properties/apicurio.auth.anonymous-read-access.enabled",
                "{\"value\":\"false\"}", writer).statusCode());
        // nothing changed; reads need no credentials
        assertEquals(before, get(versions));
        assertTrue(get("/groups/io.veltrix.events/artifacts/TreasureClaimed/rules/COMPATIBILITY").contains("BACKWARD"));
        assertFalse(get(versions + "/branch=latest/content").contains("intruder_field"));
    }

    private HttpResponse<String> send(String method, String path, String json, Optional<String> authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.registryUrl() + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        authorization.ifPresent(value -> request.header("Authorization", value));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<String> basic(String user, String password) {
        return Optional.of("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static String version(String schema) {
        return "{\"content\":{\"content\":" + quote(schema) + ",\"contentType\":\"application/json\"}}";
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
