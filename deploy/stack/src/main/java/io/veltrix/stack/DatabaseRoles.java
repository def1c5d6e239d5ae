package io.veltrix.stack;

import java.util.List;

/**
 * The embedded server's roles: one login role per service and one for Apicurio, none a superuser, each with the
 * instance's password (set again at every start: that is how a changed password in the secrets file takes effect).
 * The stack creates each schema owned by its service's role, so that the role needs no right to create anything else
 * in the database; the service's own migrations create what is inside and grant the read contract. Nobody else may
 * connect to a database: {@code PUBLIC} loses its default {@code CONNECT}.
 *
 * <p>An instance made by an older version, where both services logged in as {@value DbConfig#LEGACY_APP_USER} and
 * Apicurio as the superuser, is upgraded at its next start: the objects are handed to their new owners and the old
 * role is dropped.
 */
final class DatabaseRoles {
    private DatabaseRoles() {
    }

    static void apply(DbConfig db) {
        String appDb = db.jdbcUrl();
        String registryDb = db.registryJdbcUrl();
        String admin = db.admin().user();
        String password = db.admin().password();
        for (DbLogin login : List.of(db.processor(), db.experiments(), db.registry())) {
            Databases.execute(appDb, admin, password, createRole(login.user()), "alter role " + ident(login.user())
                    + " login nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls password "
                    + Databases.literal(login.password()));
        }
        Databases.execute(appDb, admin, password,
                "revoke all on database " + ident(DbConfig.APP_DATABASE) + " from public",
                "revoke all on database " + ident(DbConfig.REGISTRY_DATABASE) + " from public",
                "grant connect on database " + ident(DbConfig.APP_DATABASE) + " to " + ident(db.processor().user()) + ", "
                        + ident(db.experiments().user()),
                "alter database " + ident(DbConfig.REGISTRY_DATABASE) + " owner to " + ident(db.registry().user()),
                "create schema if not exists " + ident(DbConfig.PROCESSOR_SCHEMA) + " authorization " + ident(db.processor().user()),
                "create schema if not exists " + ident(DbConfig.EXPERIMENTS_SCHEMA) + " authorization "
                        + ident(db.experiments().user()),
                // a service may look into the other's schema from the start, before the other's first migration
                // granted its read contract (which grants this again): until then it finds nothing there, which
                // the processor takes for "no experiment yet" where "permission denied" would stall its exposures
                "grant usage on schema " + ident(DbConfig.PROCESSOR_SCHEMA) + " to " + ident(db.experiments().user()),
                "grant usage on schema " + ident(DbConfig.EXPERIMENTS_SCHEMA) + " to " + ident(db.processor().user()),
                handOver(DbConfig.PROCESSOR_SCHEMA, db.processor().user()),
                handOver(DbConfig.EXPERIMENTS_SCHEMA, db.experiments().user()),
                dropLegacyRole(),
                "create extension if not exists pg_stat_statements");
        // Apicurio's tables are in the public schema of its database; an older stack created them as the superuser
        Databases.execute(registryDb, admin, password, handOver("public", db.registry().user()));
    }

    private static String createRole(String role) {
        return "do $$ begin if not exists (select from pg_roles where rolname = " + Databases.literal(role)
                + ") then create role " + ident(role) + " login; end if; end $$";
    }

    /** Gives a schema, and every table, view, sequence and routine in it, to a role (when someone else owns them). */
    private static String handOver(String schema, String role) {
        return """
                do $$
                declare
                    owner oid := (select oid from pg_roles where rolname = %2$s);
                    r record;
                begin
                    if exists (select from pg_namespace where nspname = %1$s and nspowner <> owner and %1$s <> 'public') then
                        execute format('alter schema %%I owner to %%I', %1$s, %2$s);
                    end if;
                    for r in select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
                             where n.nspname = %1$s and c.relowner <> owner and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
                               and not exists (select from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i')
                                               and d.classid = 'pg_class'::regclass) loop
                        execute format('alter %%s %%I.%%I owner to %%I', case r.relkind when 'v' then 'view'
                            when 'm' then 'materialized view' when 'S' then 'sequence' when 'f' then 'foreign table'
                            else 'table' end, %1$s, r.relname, %2$s);
                    end loop;
                    for r in select p.oid::regprocedure as f from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                             where n.nspname = %1$s and p.proowner <> owner loop
                        execute format('alter routine %%s owner to %%I', r.f, %2$s);
                    end loop;
                end $$""".formatted(Databases.literal(schema), Databases.literal(role));
    }

    /** Drops the shared role of older versions once it owns nothing (its objects were handed over just before). */
    private static String dropLegacyRole() {
        String role = DbConfig.LEGACY_APP_USER;
        return """
                do $$
                begin
                    if exists (select from pg_roles where rolname = %1$s) then
                        execute format('revoke all on database %%I from %%I', %2$s, %1$s);
                        execute format('drop role %%I', %1$s);
                    end if;
                exception when dependent_objects_still_exist then
                    raise warning 'role %% still owns objects: not dropped', %1$s;
                end $$""".formatted(Databases.literal(role), Databases.literal(DbConfig.APP_DATABASE));
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
