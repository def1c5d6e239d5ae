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
                new PulsarTokens("admin.jwt", "ingest.jwt", "processor.jwt"),
                "http://127.0.0.1:8095/apis/registry/v3", "jdbc:postgresql://127.0.0.1:41234/veltrix",
                "postgresql://127.0.0.1:41234/veltrix", new DbLogin("veltrix_processor", "p=ss:wörd"),
                new DbLogin("veltrix_experiments", "e#x"), "veltrix", "adm:n", dir.resolve("logs"), dir);
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
        Map<String, String> env = info.serviceEnvironment(StackInfo.PROCESSOR);
        Map<String, String> config = info.quarkusConfig(StackInfo.PROCESSOR);
        assertEquals(List.of("VELTRIX_PULSAR_URL", "VELTRIX_PULSAR_ADMIN_URL", "VELTRIX_REGISTRY_URL", "VELTRIX_DB_JDBC_URL",
                "VELTRIX_DB_REACTIVE_URL", "VELTRIX_PULSAR_TOKEN", "VELTRIX_DB_USERNAME", "VELTRIX_DB_PASSWORD", "VELTRIX_DB_READER_ROLE"),
                List.copyOf(env.keySet()));
        assertEquals(List.of("veltrix.pulsar.url", "veltrix.pulsar.admin-url", "veltrix.registry.url", "veltrix.db.jdbc-url",
                "veltrix.db.reactive-url", "veltrix.pulsar.token", "veltrix.db.username", "veltrix.db.password", "veltrix.db.reader-role"),
                List.copyOf(config.keySet()));
        assertEquals(List.copyOf(env.values()), List.copyOf(config.values()));
        // Quarkus maps VELTRIX_DB_JDBC_URL to veltrix.db.jdbc-url: the names must agree
        config.keySet().forEach(key -> assertTrue(env.containsKey(Settings.envName(key)), key));
    }

    @Test
    void eachServiceGetsItsOwnPulsarTokenAndExperimentsNone() {
        StackInfo info = sample(dir);
        assertEquals("ingest.jwt", info.serviceEnvironment(StackInfo.INGEST).get("VELTRIX_PULSAR_TOKEN"));
        assertEquals("processor.jwt", info.serviceEnvironment(StackInfo.PROCESSOR).get("VELTRIX_PULSAR_TOKEN"));
        assertFalse(info.serviceEnvironment(StackInfo.EXPERIMENTS).containsKey("VELTRIX_PULSAR_TOKEN"));
        assertFalse(info.serviceEnvironment(StackInfo.INGEST).containsValue("admin.jwt"), "no service is the superuser");
        assertFalse(info.serviceEnvironment(StackInfo.PROCESSOR).containsValue("admin.jwt"));
        assertEquals("ingest.jwt", info.quarkusTestConfig().get("veltrix.stack.pulsar.ingest-token"));
        assertEquals("processor.jwt", info.quarkusTestConfig().get("veltrix.stack.pulsar.processor-token"));
        assertFalse(info.quarkusTestConfig().containsValue("admin.jwt"));
    }

    @Test
    void eachServiceGetsItsOwnLoginAndTheOtherAsReader() {
        StackInfo info = sample(dir);
        Map<String, String> processor = info.serviceEnvironment(StackInfo.PROCESSOR);
        assertEquals("veltrix_processor", processor.get("VELTRIX_DB_USERNAME"));
        assertEquals("p=ss:wörd", processor.get("VELTRIX_DB_PASSWORD"));
        assertEquals("veltrix_experiments", processor.get("VELTRIX_DB_READER_ROLE"));
        Map<String, String> experiments = info.serviceEnvironment(StackInfo.EXPERIMENTS);
        assertEquals("veltrix_experiments", experiments.get("VELTRIX_DB_USERNAME"));
        assertEquals("e#x", experiments.get("VELTRIX_DB_PASSWORD"));
        assertEquals("veltrix_processor", experiments.get("VELTRIX_DB_READER_ROLE"));
        // a service without a schema gets no database login at all
        assertFalse(info.serviceEnvironment("ingest-service").keySet().stream().anyMatch(k -> k.startsWith("VELTRIX_DB_USER")
                || k.startsWith("VELTRIX_DB_PASS")));
    }
}
