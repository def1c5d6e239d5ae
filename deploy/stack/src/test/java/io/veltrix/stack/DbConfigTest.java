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
        // the services log in as a role of their own, with the instance's generated password; the superuser is the stack's
        assertEquals(DbConfig.APP_USER, db.user());
        assertEquals(secrets.dbPassword(), db.password());
        assertEquals(DbConfig.ADMIN_USER, db.adminUser());
        assertEquals(secrets.dbAdminPassword(), db.adminPassword());
        org.junit.jupiter.api.Assertions.assertNotEquals(db.password(), db.adminPassword());
        assertEquals("jdbc:postgresql://127.0.0.1:41234/veltrix", db.jdbcUrl());
        assertEquals("postgresql://127.0.0.1:41234/veltrix", db.reactiveUrl());
        assertEquals("jdbc:postgresql://127.0.0.1:41234/apicurio", db.registryJdbcUrl());
        assertEquals("jdbc:postgresql://127.0.0.1:41234/postgres", db.maintenanceUrl());
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
        assertEquals("app", db.registryUser());
        assertEquals("secret", db.registryPassword());
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
