package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DbConfigTest {
    @Test
    void embeddedUsesTwoDatabasesOnOneServer(@org.junit.jupiter.api.io.TempDir java.nio.file.Path instance) {
        LocalSecrets secrets = LocalSecrets.of(instance);
        DbConfig db = DbConfig.embedded(41234, secrets);
        assertTrue(db.embedded());
        // each service and Apicurio log in as a role of their own, with a password generated for the instance; the
        // superuser is the stack's
        assertEquals(new DbLogin(DbConfig.PROCESSOR_USER, secrets.dbProcessorPassword()), db.processor());
        assertEquals(new DbLogin(DbConfig.EXPERIMENTS_USER, secrets.dbExperimentsPassword()), db.experiments());
        assertEquals(new DbLogin(DbConfig.REGISTRY_USER, secrets.dbRegistryPassword()), db.registry());
        assertEquals(new DbLogin(DbConfig.ADMIN_USER, secrets.dbAdminPassword()), db.admin());
        assertEquals(4, java.util.Set.of(db.processor().password(), db.experiments().password(), db.registry().password(),
                db.admin().password()).size(), "four different passwords");
        assertEquals("jdbc:postgresql://127.0.0.1:41234/veltrix", db.jdbcUrl());
        assertEquals("postgresql://127.0.0.1:41234/veltrix", db.reactiveUrl());
        assertEquals("jdbc:postgresql://127.0.0.1:41234/apicurio", db.registryJdbcUrl());
        assertEquals("jdbc:postgresql://127.0.0.1:41234/postgres", db.maintenanceUrl());
    }

    @Test
    void anInstanceOfTheSharedRoleEraGetsOnePasswordPerRole(@org.junit.jupiter.api.io.TempDir java.nio.file.Path instance)
            throws java.io.IOException {
        java.nio.file.Files.writeString(instance.resolve("secrets.properties"),
                "write-key=wk_kept\ndb-password=pw_old\ndb-admin-password=pw_admin\n");
        LocalSecrets secrets = LocalSecrets.of(instance);
        assertEquals("wk_kept", secrets.writeKey());
        assertEquals("pw_admin", secrets.dbAdminPassword());
        assertTrue(secrets.dbProcessorPassword().startsWith("pw_") && secrets.dbExperimentsPassword().startsWith("pw_")
                && secrets.dbRegistryPassword().startsWith("pw_"));
        String file = java.nio.file.Files.readString(instance.resolve("secrets.properties"));
        assertFalse(file.contains("pw_old"), "the shared role's password is gone with the role");
        assertEquals(secrets.dbProcessorPassword(), LocalSecrets.of(instance).dbProcessorPassword(), "kept once generated");
    }

    @Test
    void noUrlMeansEmbedded() {
        assertTrue(DbConfig.external(Instance.RUN, new Settings(Map.of(), Map.of())).isEmpty());
    }

    @Test
    void userProvidedServer() {
        Settings settings = new Settings(Map.of(), Map.of("VELTRIX_DB_URL", "jdbc:postgresql://db.local:5433/game?sslmode=require",
                "VELTRIX_DB_USER", "app", "VELTRIX_DB_PASSWORD", "secret"));
        DbConfig db = DbConfig.external(Instance.RUN, settings).orElseThrow();
        assertFalse(db.embedded());
        assertEquals("jdbc:postgresql://db.local:5433/game?sslmode=require", db.jdbcUrl());
        assertEquals("postgresql://db.local:5433/game", db.reactiveUrl());
        assertEquals("jdbc:postgresql://db.local:5433/apicurio?sslmode=require", db.registryJdbcUrl());
        // a server the stack does not own: its one user is every service's
        assertEquals(new DbLogin("app", "secret"), db.processor());
        assertEquals(db.processor(), db.experiments());
        assertEquals(db.processor(), db.admin());
        assertEquals(new DbLogin("app", "secret"), db.registry());
        assertEquals("apicurio", DbConfig.databaseOf(db.registryJdbcUrl()));
        assertEquals("jdbc:postgresql://db.local:5433/postgres?sslmode=require", DbConfig.maintenanceUrlOf(db.registryJdbcUrl()));
    }

    @Test
    void instanceSpecificUrlAndRegistryUrl() {
        Settings settings = new Settings(Map.of(), Map.of("VELTRIX_DB_URL", "jdbc:postgresql://a/run",
                "VELTRIX_TEST_DB_URL", "jdbc:postgresql://b/test", "VELTRIX_DB_USER", "u",
                "VELTRIX_REGISTRY_DB_URL", "jdbc:postgresql://c:6000/reg"));
        DbConfig test = DbConfig.external(Instance.TEST, settings).orElseThrow();
        assertEquals("jdbc:postgresql://b:5432/test", test.jdbcUrl());
        assertEquals("jdbc:postgresql://c:6000/reg", test.registryJdbcUrl());
        assertEquals("jdbc:postgresql://a:5432/run", DbConfig.external(Instance.RUN, settings).orElseThrow().jdbcUrl());
    }

    @Test
    void clearErrors() {
        assertThrows(StackException.class, () -> DbConfig.external(Instance.RUN,
                new Settings(Map.of(), Map.of("VELTRIX_DB_URL", "postgres://x/y", "VELTRIX_DB_USER", "u"))));
        StackException e = assertThrows(StackException.class, () -> DbConfig.external(Instance.RUN,
                new Settings(Map.of(), Map.of("VELTRIX_DB_URL", "jdbc:postgresql://x/y"))));
        assertTrue(e.getMessage().contains("VELTRIX_DB_USER"), e.getMessage());
    }
}
