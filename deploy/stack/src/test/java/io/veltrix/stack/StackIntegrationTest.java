package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
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
        // the test instance's ports (6660, 8100, 8095 unless VELTRIX_TEST_*_PORT move them, e.g. for a second worktree)
        StackPorts ports = StackPorts.resolve(Instance.TEST, Settings.current());
        assertEquals("pulsar://127.0.0.1:" + ports.pulsar(), info.pulsarServiceUrl());
        assertEquals("http://127.0.0.1:" + ports.pulsarWeb(), info.pulsarAdminUrl());
        assertEquals("http://127.0.0.1:" + ports.registry() + "/apis/registry/v3", info.registryUrl());
        assertTrue(Files.isDirectory(info.logsDir()));

        String admin = info.pulsarTokens().admin();
        assertEquals(LocalSecrets.of(info.home()).pulsarTokens(), info.pulsarTokens(), "tokens signed with the instance's key");
        Http.Response topics = Http.get(info.pulsarAdminUrl() + "/admin/v2/persistent/veltrix/events", admin,
                Duration.ofSeconds(5));
        assertEquals(200, topics.status());
        // authentication is on: no token and a token signed with another key are not authenticated (401); a service's
        // token is, but may not list the namespace's topics (403)
        assertEquals(401, Http.get(info.pulsarAdminUrl() + "/admin/v2/persistent/veltrix/events", Duration.ofSeconds(5)).status());
        byte[] otherKey = new byte[PulsarTokens.SECRET_KEY_BYTES];
        assertEquals(401, Http.get(info.pulsarAdminUrl() + "/admin/v2/persistent/veltrix/events",
                PulsarTokens.sign(otherKey, PulsarTokens.ADMIN_ROLE), Duration.ofSeconds(5)).status());
        assertEquals(403, Http.get(info.pulsarAdminUrl() + "/admin/v2/persistent/veltrix/events", info.pulsarTokens().ingest(),
                Duration.ofSeconds(5)).status());
        // the grants are exactly PulsarSetup's
        for (String topic : PulsarSetup.TOPICS) {
            Http.Response permissions = Http.get(info.pulsarAdminUrl() + "/admin/v2/persistent/veltrix/events/" + topic
                    + "/permissions", admin, Duration.ofSeconds(5));
            assertEquals(200, permissions.status(), permissions.body());
            java.util.Map<String, List<String>> expected = new java.util.TreeMap<>();
            PulsarSetup.GRANTS.get(topic).forEach((role, actions) -> expected.put(role, actions.stream().sorted().toList()));
            assertEquals(expected.toString().replace(" ", ""), sortedPermissions(permissions.body()), topic);
        }
        for (String topic : PulsarSetup.TOPICS) {
            assertTrue(topics.body().contains("persistent://veltrix/events/" + topic + "\""), topics.body());
        }
        Http.Response retention = Http.get(info.pulsarAdminUrl() + "/admin/v2/namespaces/veltrix/events/retention", admin,
                Duration.ofSeconds(5));
        assertTrue(retention.body().contains("\"retentionTimeInMinutes\":10080"), retention.body());

        assertEquals(200, Http.get(info.registryUrl() + "/system/info", Duration.ofSeconds(5)).status());

        for (DbLogin service : List.of(info.processorDb(), info.experimentsDb())) {
            try (Connection connection = Databases.connect(info.jdbcUrl(), service.user(), service.password());
                 ResultSet rs = connection.createStatement().executeQuery("SELECT current_database(), rolsuper, rolcreatedb,"
                         + " rolcreaterole, has_database_privilege('veltrix', 'CREATE') FROM pg_roles WHERE rolname = current_user")) {
                rs.next();
                assertEquals("veltrix", rs.getString(1));
                // each service's role is an ordinary one: grants, read-only sessions and its password apply to it
                assertFalse(rs.getBoolean(2), service.user() + " is not a superuser");
                assertFalse(rs.getBoolean(3) || rs.getBoolean(4) || rs.getBoolean(5),
                        service.user() + " can create no database, role or schema");
            }
            // passwords are required (no trust authentication), the wrong one is refused
            assertFalse(Databases.canConnect(info.jdbcUrl(), service.user(), service.password() + "x"));
            // Apicurio's database is not theirs to open
            assertFalse(Databases.canConnect(info.jdbcUrl().replace("/veltrix", "/apicurio"), service.user(), service.password()));
        }
        assertFalse(Databases.canConnect(info.jdbcUrl(), info.dbAdminUser(), "wrong"));
        try (Connection connection = Databases.connect(info.jdbcUrl(), info.dbAdminUser(), info.dbAdminPassword());
             ResultSet rs = connection.createStatement().executeQuery("SELECT n.nspname, r.rolname FROM pg_namespace n"
                     + " JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname IN ('processing', 'experiments') ORDER BY 1")) {
            // the stack makes each schema its service's, so that the service needs no right to create one
            assertTrue(rs.next());
            assertEquals("experiments=" + info.experimentsDb().user(), rs.getString(1) + "=" + rs.getString(2));
            assertTrue(rs.next());
            assertEquals("processing=" + info.processorDb().user(), rs.getString(1) + "=" + rs.getString(2));
        }
        try (Connection connection = Databases.connect(info.jdbcUrl(), info.dbAdminUser(), info.dbAdminPassword());
             ResultSet rs = connection.createStatement().executeQuery(
                     "SELECT datlocprovider, datlocale FROM pg_database WHERE datname = current_database()")) {
            // text keys compared as bytes, as with production's C collation (not libc's strcoll)
            rs.next();
            assertEquals("b C.UTF-8", rs.getString(1) + " " + rs.getString(2));
        }
        LocalSecrets secrets = LocalSecrets.of(info.home());
        try (Connection connection = Databases.connect(info.jdbcUrl().replace("/veltrix", "/apicurio"), DbConfig.REGISTRY_USER,
                secrets.dbRegistryPassword());
             ResultSet rs = connection.createStatement().executeQuery("SELECT count(*), bool_and(tableowner = current_user),"
                     + " (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) FROM pg_tables WHERE tablename = 'artifacts'")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "Apicurio keeps its data in PostgreSQL");
            assertTrue(rs.getBoolean(2), "as its own role, which owns its tables");
            assertFalse(rs.getBoolean(3), "not a superuser");
        }
        assertFalse(Databases.canConnect(info.jdbcUrl(), DbConfig.REGISTRY_USER, secrets.dbRegistryPassword()),
                "the registry's role cannot open the services' database");

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

    /** {"veltrix-ingest":["produce"],...} as {veltrix-ingest=[produce],...}, roles and actions sorted. */
    private static String sortedPermissions(String json) {
        java.util.Map<String, List<String>> parsed = new java.util.TreeMap<>();
        java.util.regex.Matcher entry = java.util.regex.Pattern.compile("\"([^\"]+)\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        while (entry.find()) {
            parsed.put(entry.group(1), java.util.Arrays.stream(entry.group(2).split(",")).map(a -> a.trim().replace("\"", ""))
                    .filter(a -> !a.isEmpty()).sorted().toList());
        }
        return parsed.toString().replace(" ", "");
    }
}
