package io.veltrix.simulator.bench;

import io.veltrix.stack.StackInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the benchmark reads of PostgreSQL, as its administrator: how many bytes the processor's tables take (tables,
 * indexes, TOAST; WAL not counted), and where PostgreSQL's time went ({@code pg_stat_statements}, which the stack
 * loads). Every failure is reported as a note, never fatal: the figures are extras.
 */
final class BenchDatabase {

    /** One statement's share of PostgreSQL's work. */
    record StatementStats(String query, long calls, double totalMillis, long rows, long blocksRead, long blocksDirtied,
                          long walFullPages, long walBytes, long plans, double planMillis) {
    }

    private final StackInfo stack;

    BenchDatabase(StackInfo stack) {
        this.stack = stack;
    }

    void resetStatements() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("create extension if not exists pg_stat_statements");
            // planning time too (this instance only: its data is the benchmark's own)
            s.execute("alter system set pg_stat_statements.track_planning = on");
            s.execute("select pg_reload_conf()");
            s.execute("select pg_stat_statements_reset()");
        }
    }

    /** Whether PostgreSQL's shared memory is in huge pages: on, off or unknown ({@code huge_pages_status}). */
    String hugePagesStatus() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show huge_pages_status")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Vacuums running on the server now (autovacuum workers and manual ones). */
    long vacuumsRunning() throws SQLException {
        return number("select count(*) from pg_stat_activity where backend_type = 'autovacuum worker' "
                + "or query ilike 'vacuum%' and state = 'active' and pid <> pg_backend_pid()");
    }

    /** The statements of the platform's database that took the most time since the reset. */
    List<StatementStats> topStatements(int limit) throws SQLException {
        List<StatementStats> top = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                select regexp_replace(query, '\\s+', ' ', 'g'), calls, total_exec_time, rows, shared_blks_read,
                       shared_blks_dirtied, wal_fpi, wal_bytes, plans, total_plan_time from pg_stat_statements
                where dbid = (select oid from pg_database where datname = current_database())
                order by total_exec_time desc""" + " limit " + limit)) {
            while (rs.next()) {
                top.add(new StatementStats(rs.getString(1), rs.getLong(2), rs.getDouble(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getDouble(10)));
            }
        }
        return top;
    }

    /** Bytes of every table of the processor's schema (tables with their indexes and TOAST); partitions included. */
    long processingBytes() throws SQLException {
        return number("select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c "
                + "join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'processing' and c.relkind = 'r'");
    }

    /** The same for the event log alone (processed_event's partitions). */
    long eventLogBytes() throws SQLException {
        return number("select coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) from pg_inherits i "
                + "where i.inhparent = cast('processing.processed_event' as regclass)");
    }

    private long number(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(stack.jdbcUrl(), stack.dbAdminUser(), stack.dbAdminPassword());
    }

    /** A statement's text, short enough for a table cell. */
    static String shorten(String query) {
        String q = query.trim();
        String lower = q.toLowerCase(Locale.ROOT);
        if (lower.startsWith("with input as")) {
            return "event log, looking for copies: insert new events + read participants";
        }
        if (lower.startsWith("with batch as")) {
            return "event log, plain insert near a partition boundary: insert events + look in the neighbouring partitions + read participants";
        }
        if (lower.startsWith("with fresh as")) {
            return "event log, plain insert: insert events + read participants";
        }
        if (lower.startsWith("with traffic as")) {
            return "aggregates: traffic, participants, metrics (one statement)";
        }
        if (lower.startsWith("insert into processing.participant_metric")) {
            return "aggregates: metrics recomputed for new or earlier participations";
        }
        if (q.contains("pg_advisory_xact_lock")) {
            return "per-player locks";
        }
        return q.length() > 70 ? q.substring(0, 70) + "…" : q;
    }
}
