package io.veltrix.ingest.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.stack.Ports;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class RegistryHealthCheckTest {

    @Test
    void notReadyWhileTheRegistryIsUnreachable() {
        String nowhere = "http://127.0.0.1:" + Ports.freePort() + "/apis/registry/v3";
        HealthCheckResponse response = new RegistryHealthCheck(nowhere).call();
        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertTrue(response.getData().orElseThrow().get("problem").toString().contains("unreachable"));
    }
}
