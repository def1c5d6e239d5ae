-- The experiments service's own schema. Only experiments-service writes here. The processor reads
-- experiments.experiment_variant (the read contract named in the README) and nothing else.

create table experiments.experiment (
    id                bigserial primary key,
    key               text        not null unique,
    name              text        not null,
    description       text,
    status            text        not null default 'draft'
        check (status in ('draft', 'running', 'stopped', 'archived')),
    coverage          double precision not null default 1
        check (coverage >= 0 and coverage <= 1),
    primary_metric    text,
    guardrail_metrics jsonb       not null default '[]'::jsonb,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    started_at        timestamptz,
    stopped_at        timestamptz,
    version           bigint      not null default 0
);

create table experiments.variant (
    experiment_id bigint           not null references experiments.experiment (id) on delete cascade,
    position      int              not null,
    key           text             not null,
    name          text,
    weight        double precision not null check (weight >= 0),
    parameters    jsonb            not null default '{}'::jsonb,
    primary key (experiment_id, position),
    unique (experiment_id, key)
);

-- Read contract for the processor: which experiment keys and variant keys exist, and the status.
create view experiments.experiment_variant as
select e.key as experiment_key, e.status, v.key as variant_key, v.position, v.weight, e.coverage
from experiments.experiment e
join experiments.variant v on v.experiment_id = e.id;
