package io.veltrix.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BenchDatabaseTest {

    @Test
    void namesTheProcessorsStatementsAndShortensTheRest() {
        assertEquals("event log, looking for copies: insert new events + read participants",
                BenchDatabase.shorten("  with input as materialized (select k from unnest($1)) select 1"));
        assertEquals("event log, plain insert: insert events + read participants",
                BenchDatabase.shorten("with fresh as (insert into processing.processed_event (event_key) select 1) select 1"));
        assertEquals("event log, plain insert near a partition boundary: insert events + look in the neighbouring partitions + read participants",
                BenchDatabase.shorten("with batch as materialized (select k from unnest($1)) select 1"));
        assertEquals("aggregates: traffic, participants, metrics (one statement)",
                BenchDatabase.shorten("with traffic as (insert into processing.traffic_minute select 1) select 1"));
        assertEquals("aggregates: metrics recomputed for new or earlier participations",
                BenchDatabase.shorten("insert into processing.participant_metric (experiment_key) select 1"));
        assertEquals("per-player locks", BenchDatabase.shorten("select count(*) from (select pg_advisory_xact_lock($1, k)) l"));
        assertEquals("x".repeat(70) + "…", BenchDatabase.shorten("x".repeat(80)));
    }
}
