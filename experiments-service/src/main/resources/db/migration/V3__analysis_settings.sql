-- How each experiment's results are analysed (docs/statistics.md). Existing experiments take the defaults, which
-- change their analysis on purpose: anytime-valid inference (valid whenever the results are looked at) instead of
-- the fixed-horizon tests that were wrong for live dashboards, decisions on the relative lift, Holm over the primary
-- metric's comparisons only, and no verdict before 100 participants and 10 conversions per variant.

-- The primary metric's direction (is a rise good?) and capping; guardrails keep theirs inside guardrail_metrics:
-- [{"name": ..., "kind": ..., "direction": "higher" | "lower", "capping": {"type": "quantile" | "absolute", "value": x}}]
alter table experiments.experiment
    add column primary_metric_direction text not null default 'higher'
        check (primary_metric_direction in ('higher', 'lower')),
    add column primary_metric_capping jsonb,
    -- sequential: asymptotic confidence sequences; fixed_horizon: z / Welch t, valid when looked at once
    add column analysis_method text not null default 'sequential'
        check (analysis_method in ('sequential', 'fixed_horizon')),
    -- the lift p-values, verdicts and drawn intervals are about
    add column analysis_scale text not null default 'relative'
        check (analysis_scale in ('relative', 'absolute')),
    add column analysis_correction text not null default 'holm'
        check (analysis_correction in ('holm', 'benjamini_hochberg')),
    -- N*: participants (control + treatment) at which the confidence sequence is narrowest
    add column sequential_tuning double precision not null default 5000
        check (sequential_tuning > 0),
    -- no verdict before each variant has this many participants, and this many with an event of the metric
    add column min_participants int not null default 100 check (min_participants >= 2),
    add column min_conversions int not null default 10 check (min_conversions >= 0),
    -- CUPED's pre-exposure window in days; null: CUPED off
    add column cuped_window_days int check (cuped_window_days between 1 and 30),
    -- the relative lift power and "days to go" are computed for
    add column target_mde double precision not null default 0.05 check (target_mde > 0);
