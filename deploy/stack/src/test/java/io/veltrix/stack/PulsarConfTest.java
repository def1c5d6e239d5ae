package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
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
        String conf = PulsarServer.generateConf(BASE, PulsarServer.overrides(ports));
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
