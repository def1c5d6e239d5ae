package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * An instance made by an older version (both services as {@value DbConfig#LEGACY_APP_USER}, Apicurio as the
 * superuser) gets a role per service at its next start: on the real test server, the old layout is recreated around
 * the current one, the stack's role setup runs again, and every object ends up with its new owner while the old role
 * is gone.
 */
class DatabaseRolesUpgradeTest {

    @Test
    void theSharedRoleOfOlderVersionsHandsItsObjectsOverAndIsDropped() throws SQLException {
        StackInfo info = Stack.ensureRunning(Instance.TEST);
        int port = URI.create(info.jdbcUrl().substring("jdbc:".length())).getPort();
        DbConfig db = DbConfig.embedded(port, LocalSecrets.of(info.home()));
        String registryUrl = db.registryJdbcUrl();
        try {
            Databases.execute(db.jdbcUrl(), db.admin().user(), db.admin().password(),
                    "create role " + DbConfig.LEGACY_APP_USER + " login password 'old'",
                    "grant connect, create, temporary on database veltrix to " + DbConfig.LEGACY_APP_USER,
                    "create table processing.upgrade_probe (n int)",
                    "create sequence experiments.upgrade_probe_seq",
                    "create function processing.upgrade_probe_f() returns int language sql as 'select 1'",
                    "alter table processing.upgrade_probe owner to " + DbConfig.LEGACY_APP_USER,
                    "alter sequence experiments.upgrade_probe_seq owner to " + DbConfig.LEGACY_APP_USER,
                    "alter function processing.upgrade_probe_f() owner to " + DbConfig.LEGACY_APP_USER);
            // Apicurio's tables, as an older stack had them: the superuser's
            Databases.execute(registryUrl, db.admin().user(), db.admin().password(), "create table public.upgrade_probe (n int)");

            DatabaseRoles.apply(db);

            try (Connection c = Databases.connect(db.jdbcUrl(), db.admin().user(), db.admin().password())) {
                assertEquals(DbConfig.PROCESSOR_USER, single(c, "select tableowner from pg_tables where schemaname = 'processing'"
                        + " and tablename = 'upgrade_probe'"));
                assertEquals(DbConfig.EXPERIMENTS_USER, single(c, "select r.rolname from pg_class s join pg_roles r"
                        + " on r.oid = s.relowner where s.oid = 'experiments.upgrade_probe_seq'::regclass"));
                assertEquals(DbConfig.PROCESSOR_USER, single(c, "select r.rolname from pg_proc p join pg_roles r"
                        + " on r.oid = p.proowner where p.oid = 'processing.upgrade_probe_f'::regproc"));
                assertEquals("0", single(c, "select count(*) from pg_roles where rolname = '" + DbConfig.LEGACY_APP_USER + "'"));
            }
            try (Connection c = Databases.connect(registryUrl, db.admin().user(), db.admin().password())) {
                assertEquals(DbConfig.REGISTRY_USER, single(c, "select tableowner from pg_tables where tablename = 'upgrade_probe'"));
            }
            assertFalse(Databases.canConnect(db.jdbcUrl(), DbConfig.LEGACY_APP_USER, "old"));
        } finally {
            Databases.execute(db.jdbcUrl(), db.admin().user(), db.admin().password(),
                    "drop table if exists processing.upgrade_probe", "drop sequence if exists experiments.upgrade_probe_seq",
                    "drop function if exists processing.upgrade_probe_f()",
                    "do $$ begin if exists (select from pg_roles where rolname = '" + DbConfig.LEGACY_APP_USER + "') then"
                            + " drop owned by " + DbConfig.LEGACY_APP_USER + "; drop role " + DbConfig.LEGACY_APP_USER
                            + "; end if; end $$");
            Databases.execute(registryUrl, db.admin().user(), db.admin().password(), "drop table if exists public.upgrade_probe");
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
