package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackStateTest {
    @TempDir
    Path dir;

    private static StackInfo sample(Path dir) {
        return new StackInfo(Instance.TEST, "pulsar://127.0.0.1:6660", "http://127.0.0.1:8100",
                "http://127.0.0.1:8095/apis/registry/v3", "jdbc:postgresql://127.0.0.1:41234/veltrix",
                "postgresql://127.0.0.1:41234/veltrix", "veltrix_app", "p=ss:wörd", "veltrix", "adm:n", dir.resolve("logs"), dir);
    }

    @Test
    void roundTripThroughTheFile() throws IOException {
        Path file = dir.resolve("stack.state");
        StackInfo info = sample(dir);
        StackState state = StackState.empty().putAll(info.toProperties())
                .set(StackState.STATUS, StackState.Status.READY)
                .set(StackState.SUPERVISOR_PID, 123)
                .set(StackState.PULSAR_PID, 456)
                .set(StackState.POSTGRES_PID, 789)
                .set("service.ingest-service.pid", 1011);
        state.write(file);

        StackState read = StackState.read(file);
        assertTrue(read.isReady());
        assertEquals(info, StackInfo.fromState(read));
        assertEquals(123, read.pid(StackState.SUPERVISOR_PID));
        assertEquals(Map.of("postgres.pid", 789L, "pulsar.pid", 456L, "service.ingest-service.pid", 1011L), read.childPids());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(Files.exists(dir.resolve("stack.state.tmp")));
    }

    @Test
    void missingFileIsAnEmptyState() {
        StackState state = StackState.read(dir.resolve("nothing"));
        assertFalse(state.isReady());
        assertTrue(state.status().isEmpty());
        assertEquals(-1, state.pid(StackState.SUPERVISOR_PID));
    }

    @Test
    void serviceEnvironmentAndQuarkusConfigCarryTheSameValues() {
        StackInfo info = sample(dir);
        Map<String, String> env = info.serviceEnvironment();
        Map<String, String> config = info.quarkusConfig();
        assertEquals(List.of("VELTRIX_PULSAR_URL", "VELTRIX_PULSAR_ADMIN_URL", "VELTRIX_REGISTRY_URL", "VELTRIX_DB_JDBC_URL",
                "VELTRIX_DB_REACTIVE_URL", "VELTRIX_DB_USERNAME", "VELTRIX_DB_PASSWORD"), List.copyOf(env.keySet()));
        assertEquals(List.of("veltrix.pulsar.url", "veltrix.pulsar.admin-url", "veltrix.registry.url", "veltrix.db.jdbc-url",
                "veltrix.db.reactive-url", "veltrix.db.username", "veltrix.db.password"), List.copyOf(config.keySet()));
        assertEquals(List.copyOf(env.values()), List.copyOf(config.values()));
        // Quarkus maps VELTRIX_DB_JDBC_URL to veltrix.db.jdbc-url: the names must agree
        config.keySet().forEach(key -> assertTrue(env.containsKey(Settings.envName(key)), key));
    }
}
