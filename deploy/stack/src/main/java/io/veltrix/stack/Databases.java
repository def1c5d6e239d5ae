package io.veltrix.stack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** JDBC helpers: can we connect, and create a database when it is missing. */
final class Databases {
    private Databases() {
    }

    static Connection connect(String jdbcUrl, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password == null ? "" : password);
        props.setProperty("connectTimeout", "3");
        props.setProperty("loginTimeout", "5");
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", "veltrix-stack");
        return DriverManager.getConnection(jdbcUrl, props);
    }

    static boolean canConnect(String jdbcUrl, String user, String password) {
        try (Connection ignored = connect(jdbcUrl, user, password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Creates {@code database} through the server's {@code postgres} database when it does not exist.
     * Returns true when it created it.
     */
    static boolean ensureDatabase(String maintenanceUrl, String user, String password, String database) {
        try (Connection connection = connect(maintenanceUrl, user, password)) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, database);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
            }
            return true;
        } catch (SQLException e) {
            throw new StackException("database '" + database + "' is missing at " + maintenanceUrl.replaceFirst("/postgres.*$", "")
                    + " and could not be created as user '" + user + "' (" + e.getMessage().trim()
                    + "): create it yourself, or give that user the CREATEDB privilege", e);
        }
    }

    /** Runs statements, one after the other, in autocommit mode. */
    static void execute(String jdbcUrl, String user, String password, String... statements) {
        try (Connection connection = connect(jdbcUrl, user, password); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new StackException("cannot prepare the database at " + jdbcUrl + " as " + user + ": " + e.getMessage(), e);
        }
    }

    /** A string as an SQL literal. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * The services' role on the embedded server: a login role that is not a superuser, with the instance's password,
     * allowed to create the schemas the services' migrations own. Schemas an older version of the stack created as
     * the superuser are handed over to it, with everything in them.
     */
    static void ensureAppRole(String appDatabaseUrl, String adminUser, String adminPassword, String role, String password,
                              String database, String... schemas) {
        String quotedRole = "\"" + role + "\"";
        String schemaList = String.join(",", java.util.Arrays.stream(schemas).map(Databases::literal).toList());
        execute(appDatabaseUrl, adminUser, adminPassword,
                "do $$ begin if not exists (select from pg_roles where rolname = " + literal(role) + ") then create role "
                        + quotedRole + " login; end if; end $$",
                "alter role " + quotedRole + " login nosuperuser nocreatedb nocreaterole password " + literal(password),
                "grant connect, create, temporary on database \"" + database + "\" to " + quotedRole,
                """
                do $$
                declare
                    s text;
                    r record;
                begin
                    for s in select nspname from pg_namespace
                             where nspname in (%s) and nspowner <> (select oid from pg_roles where rolname = %s) loop
                        execute format('alter schema %%I owner to %%I', s, %s);
                        for r in select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
                                 where n.nspname = s and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
                                   and not exists (select from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i')
                                                   and d.classid = 'pg_class'::regclass) loop
                            execute format('alter %%s %%I.%%I owner to %%I', case r.relkind when 'v' then 'view'
                                when 'm' then 'materialized view' when 'S' then 'sequence' when 'f' then 'foreign table'
                                else 'table' end, s, r.relname, %s);
                        end loop;
                        for r in select p.oid::regprocedure as f from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                                 where n.nspname = s loop
                            execute format('alter routine %%s owner to %%I', r.f, %s);
                        end loop;
                    end loop;
                end $$""".formatted(schemaList, literal(role), literal(role), literal(role), literal(role)),
                "create extension if not exists pg_stat_statements");
    }
}
