-- The processor's own schema. Only processor-service writes here; other services read the tables and
-- views named in the README ("Read contract") and nothing else.

-- Every event counted, once: the dedupe record. Written in the same transaction as the aggregates.
create table processing.processed_event (
    source_id      text             not null,
    event_id       text             not null,
    event_type     text             not null,
    player_id      text             not null,
    occurred_at    timestamptz      not null,
    processed_at   timestamptz      not null default now(),
    -- the event's numeric properties (name -> value), to recompute a player's metrics when an exposure
    -- arrives after the player's conversions
    numeric_values jsonb            not null default '{}'::jsonb,
    primary key (source_id, event_id)
);
create index processed_event_player on processing.processed_event (player_id, occurred_at);
create index processed_event_processed_at on processing.processed_event (processed_at);

-- Live traffic: events per type and minute (of occurrence).
create table processing.traffic_minute (
    event_type text        not null,
    minute     timestamptz not null,
    events     bigint      not null,
    primary key (event_type, minute)
);

-- Experiment participants: a player's first exposure (experiment_viewed) to an experiment.
create table processing.participant (
    experiment_key   text        not null,
    player_id        text        not null,
    variant          text        not null,
    first_exposed_at timestamptz not null,
    exposures        bigint      not null,
    primary key (experiment_key, player_id)
);
create index participant_exposed on processing.participant (experiment_key, first_exposed_at);

-- Per participant and metric, over the player's events that occurred at or after the first exposure:
-- metric = an event type (value 1 per event) or 'event_type.property' (a numeric property).
create table processing.participant_metric (
    experiment_key text             not null,
    player_id      text             not null,
    metric         text             not null,
    events         bigint           not null,
    value_sum      double precision not null,
    value_sum_sq   double precision not null,
    primary key (experiment_key, player_id, metric)
);
