-- The read contract of the experiments schema (README, "Read contract between services") as grants: all that the
-- processor's role, ${reader_role}, may do here is read the view experiment_variant (the view reads its tables with
-- this schema owner's rights). Owned by this service's role, so it is the one that can grant it, whichever service
-- starts first.
-- Repeatable: Flyway applies it again after the versioned migrations whenever its text or the reader role changes. A
-- migration that re-creates the view (drop and create) changes this file too.
grant usage on schema experiments to "${reader_role}";
grant select on experiments.experiment_variant to "${reader_role}";
