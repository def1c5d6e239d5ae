package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Starts (or reuses) the real test stack: the first module of the build that needs it, so the servers every later
 * module's tests use are checked here first.
 */
class StackIntegrationTest {

    @Test
    void ensureRunningStartsOrReusesTheTestStack() throws Exception {
        long started = System.nanoTime();
        StackInfo info = Stack.ensureRunning(Instance.TEST);
        System.out.printf("first ensureRunning: %.1f s%n", (System.nanoTime() - started) / 1e9);

        assertEquals(Instance.TEST, info.instance());
        // the test instance's ports (6660, 8100, 8095 unless VELTRIX_TEST_*_PORT move them, as on a shared machine)
        StackPorts ports = StackPorts.resolve(Instance.TEST, Settings.current());
        assertEquals("pulsar://127.0.0.1:" + ports.pulsar(), info.pulsarServiceUrl());
        assertEquals("http://127.0.0.1:" + ports.pulsarWeb(), info.pulsarAdminUrl());
        assertEquals("http://127.0.0.1:" + ports.registry() + "/apis/registry/v3", info.registryUrl());
        assertTrue(Files.isDirectory(info.logsDir()));

        Http.Response topics = Http.get(info.pulsarAdminUrl() + "/admin/v2/persistent/veltrix/events", Duration.ofSeconds(5));
        assertEquals(200, topics.status());
        for (String topic : PulsarSetup.TOPICS) {
            assertTrue(topics.body().contains("persistent://veltrix/events/" + topic + "\""), topics.body());
        }
        Http.Response retention = Http.get(info.pulsarAdminUrl() + "/admin/v2/namespaces/veltrix/events/retention",
                Duration.ofSeconds(5));
        assertTrue(retention.body().contains("\"retentionTimeInMinutes\":10080"), retention.body());

        assertEquals(200, Http.get(info.registryUrl() + "/system/info", Duration.ofSeconds(5)).status());

        try (Connection connection = Databases.connect(info.jdbcUrl(), info.dbUser(), info.dbPassword());
             ResultSet rs = connection.createStatement().executeQuery("SELECT current_database()")) {
            rs.next();
            assertEquals("veltrix", rs.getString(1));
        }
        try (Connection connection = Databases.connect(info.jdbcUrl().replace("/veltrix", "/apicurio"), info.dbUser(),
                info.dbPassword());
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT count(*) FROM information_schema.tables WHERE table_name = 'artifacts'")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "Apicurio keeps its data in PostgreSQL");
        }

        // the supervisor is owned by a Maven process (this one, or the one that started the stack we reuse),
        // or by nobody when it was started with veltrix.stack.keep=true
        StackState state = StackState.read(Layout.of(VeltrixHome.resolve(), Instance.TEST).stateFile());
        long owner = state.pid(StackState.OWNER_PID);
        if (owner > 0) {
            assertTrue(Processes.commandLine(ProcessHandle.of(owner).orElseThrow()).contains("plexus-classworlds"));
        }

        long again = System.nanoTime();
        StackInfo reused = Stack.ensureRunning(Instance.TEST);
        double seconds = (System.nanoTime() - again) / 1e9;
        System.out.printf("second ensureRunning (reuse): %.3f s%n", seconds);
        assertEquals(info, reused);
        assertTrue(seconds < 2, "reusing a READY stack is quick");
        assertEquals(info, Stack.running(Instance.TEST).orElseThrow());
    }
}
