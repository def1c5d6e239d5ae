-- The read contract of the processing schema (README, "Read contract between services") as grants: all that
-- experiments-service's role, ${reader_role}, may do here is read these four tables. Owned by this service's role, so
-- it is the one that can grant them, whichever service starts first.
-- Repeatable: Flyway applies it again after the versioned migrations whenever its text or the reader role changes. A
-- migration that re-creates one of these tables, or adds one to the contract, changes this file too.
-- processed_event is partitioned: reads through it check the grant on it alone, so new partitions need none.
grant usage on schema processing to "${reader_role}";
grant select on processing.participant, processing.participant_metric, processing.processed_event,
    processing.traffic_minute to "${reader_role}";
