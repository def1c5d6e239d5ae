package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PulsarConfTest {
    private static final String BASE = String.join("\n",
            "# Pulsar standalone",
            "metadataStoreUrl=",
            "brokerServicePort=6650",
            "webServicePort=8080",
            "bindAddress=0.0.0.0",
            "advertisedAddress=",
            "clusterName=standalone",
            "brokerDeleteInactiveTopicsEnabled=true");

    @Test
    void overridesAreAppendedAndWin() throws IOException {
        StackPorts ports = new StackPorts(6660, 8100, 3191, 8095, 9095);
        String conf = PulsarServer.generateConf(BASE, PulsarServer.overrides(ports, Path.of("/data/auth/token-secret.key"),
                Path.of("/data/auth/admin.token")));
        assertTrue(conf.startsWith(BASE), "the base configuration is kept as it is");
        Properties parsed = new Properties();
        parsed.load(new StringReader(conf));
        assertEquals("8100", parsed.getProperty("webServicePort"));
        assertEquals("6660", parsed.getProperty("brokerServicePort"));
        assertEquals("127.0.0.1", parsed.getProperty("bindAddress"));
        assertEquals("127.0.0.1", parsed.getProperty("advertisedAddress"));
        assertEquals("false", parsed.getProperty("brokerDeleteInactiveTopicsEnabled"));
        assertEquals("standalone", parsed.getProperty("clusterName"));
        assertEquals("true", parsed.getProperty("allowEphemeralPorts"));
        assertEquals("true", parsed.getProperty("allowLoopback"));
        assertEquals(PulsarServer.loopbackInterface(), parsed.getProperty("listeningInterface"));
        // token authentication and authorization on; the key and the superuser's token by reference, never inline
        assertEquals("true", parsed.getProperty("authenticationEnabled"));
        assertEquals("org.apache.pulsar.broker.authentication.AuthenticationProviderToken",
                parsed.getProperty("authenticationProviders"));
        assertEquals("file:///data/auth/token-secret.key", parsed.getProperty("tokenSecretKey"));
        assertEquals("true", parsed.getProperty("authorizationEnabled"));
        assertEquals("veltrix-admin", parsed.getProperty("superUserRoles"));
        assertEquals("org.apache.pulsar.client.impl.auth.AuthenticationToken",
                parsed.getProperty("brokerClientAuthenticationPlugin"));
        assertEquals("file:///data/auth/admin.token", parsed.getProperty("brokerClientAuthenticationParameters"));
    }

    @Test
    void tokensAreHs256JwtsWhoseSubjectIsTheRole() {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) 7);
        PulsarTokens tokens = PulsarTokens.issue(key);
        String[] parts = tokens.ingest().split("\\.");
        assertEquals(3, parts.length);
        java.util.Base64.Decoder b64 = java.util.Base64.getUrlDecoder();
        assertEquals("{\"alg\":\"HS256\"}", new String(b64.decode(parts[0]), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("{\"sub\":\"veltrix-ingest\"}", new String(b64.decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(tokens, PulsarTokens.issue(key.clone()), "a token is a function of key and role");
        key[0] = 8;
        PulsarTokens rotated = PulsarTokens.issue(key);
        assertTrue(!rotated.admin().equals(tokens.admin()) && !rotated.ingest().equals(tokens.ingest())
                && !rotated.processor().equals(tokens.processor()), "a new key makes new tokens");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PulsarTokens.sign(new byte[16], "weak"));
    }

    @Test
    void theSecretKeyIsGeneratedOnceAndReplacedWhenUnusable(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        LocalSecrets first = LocalSecrets.of(dir);
        assertEquals(32, first.pulsarSecretKey().length);
        assertEquals(first.pulsarTokens(), LocalSecrets.of(dir).pulsarTokens(), "kept across starts");
        Path file = dir.resolve("secrets.properties");
        java.nio.file.Files.writeString(file, java.nio.file.Files.readString(file)
                .replaceAll("(?m)^pulsar-token-secret-key=.*$", "pulsar-token-secret-key=c2hvcnQ="));
        LocalSecrets rotated = LocalSecrets.of(dir);
        assertEquals(32, rotated.pulsarSecretKey().length);
        assertTrue(!rotated.pulsarTokens().admin().equals(first.pulsarTokens().admin()));
    }

    @Test
    void baseWithoutTrailingNewlineStillGetsSeparateLines() {
        String conf = PulsarServer.generateConf("a=1", Map.of("b", "2"));
        assertTrue(conf.contains("a=1\n"), conf);
        assertTrue(conf.endsWith("b=2\n"), conf);
    }

    @Test
    void instancePortsDefaultsAndOverrides() {
        Settings settings = new Settings(Map.of("veltrix.test.pulsar.web-port", "18100"),
                Map.of("VELTRIX_TEST_REGISTRY_PORT", "18095"));
        StackPorts test = StackPorts.resolve(Instance.TEST, settings);
        assertEquals(new StackPorts(6660, 18100, 3191, 18095, 9095), test);
        assertEquals(new StackPorts(6650, 8090, 3181, 8085, 9085), StackPorts.resolve(Instance.RUN, settings));
    }
}
