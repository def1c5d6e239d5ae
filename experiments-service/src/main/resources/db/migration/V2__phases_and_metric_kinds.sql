-- Phases, metric kinds and a deferrable variant-key constraint. V1 (and its read-contract view
-- experiments.experiment_variant) stays as it is.

-- The primary metric's kind: 'conversion' (share of participants with at least one event) or 'mean'
-- (per-participant mean of the metric's total). Guardrails keep theirs inside guardrail_metrics:
-- [{"metric": "purchase_completed.revenue", "kind": "mean"}, ...].
alter table experiments.experiment
    add column primary_metric_kind text not null default 'conversion'
        check (primary_metric_kind in ('conversion', 'mean'));

-- Variant keys stay unique per experiment, but checked at commit, so that an update may reorder or
-- rename variants row by row.
alter table experiments.variant drop constraint variant_experiment_id_key_key;
alter table experiments.variant add constraint variant_experiment_key_unique
    unique (experiment_id, key) deferrable initially deferred;

-- A phase: one stretch of a running experiment with fixed traffic allocation (coverage and weights) and
-- variant parameters. Starting an experiment opens phase 1; changing weights, coverage or parameters
-- while it runs, or starting it again after a stop, closes the open phase and opens the next one.
create table experiments.phase (
    id            bigserial primary key,
    experiment_id bigint           not null references experiments.experiment (id) on delete cascade,
    number        int              not null check (number >= 1),
    started_at    timestamptz      not null,
    ended_at      timestamptz,
    coverage      double precision not null check (coverage >= 0 and coverage <= 1),
    -- the allocation during the phase, in variant order: [{"key": "control", "weight": 0.5}, ...]
    variants      jsonb            not null,
    reason        text             not null,
    unique (experiment_id, number),
    check (ended_at is null or ended_at >= started_at)
);
create index phase_experiment on experiments.phase (experiment_id, number);
