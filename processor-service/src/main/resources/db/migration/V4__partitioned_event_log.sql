-- processed_event, the dedupe record and recompute input, becomes bounded: partitioned by the time the event
-- occurred, old partitions dropped by the processor's retention job (RetentionJob). Per event it keeps a 128-bit
-- key instead of the source and event id texts, and no processing time.
--
-- The dedupe structure is a UNIQUE index on event_key in every partition (the retention job creates it with the
-- partition): a unique index of the partitioned table itself would have to contain the partition key, and copies of
-- one event may carry times a little apart (a client retry through another request: ingest corrects clock skew
-- with each request's sentAt). Two copies in the same partition conflict there; a copy whose time lies within
-- veltrix.processor.retention.dedupe-tolerance of a partition boundary is also looked for in the neighbour
-- partition, under the per-player lock (EventLogRepository).

alter table processing.processed_event rename to processed_event_v3;
alter table processing.processed_event_v3 rename constraint processed_event_pkey to processed_event_v3_pkey;
alter index processing.processed_event_player rename to processed_event_v3_player;
alter index processing.processed_event_processed_at rename to processed_event_v3_processed_at;

create table processing.processed_event (
    -- processing.event_key(source_id, event_id): the dedupe key, computed by the processor (EventKeys)
    event_key      uuid        not null,
    occurred_at    timestamptz not null,
    player_id      text        not null,
    event_type     text        not null,
    -- the event's numeric properties (name -> value); null when it has none
    numeric_values jsonb
) partition by range (occurred_at);
create index processed_event_player on processing.processed_event (player_id, occurred_at);

-- The event key as the processor computes it: the first 16 bytes of SHA-256 over
-- '<UTF-8 length of source_id>:' || source_id || event_id (the length prefix keeps the pair unambiguous).
-- For operators: "was this event counted?" is
--   select * from processing.processed_event where event_key = processing.event_key('treasure-hunt', '<messageId>')
create function processing.event_key(source_id text, event_id text) returns uuid
    language sql immutable strict parallel safe
    return encode(substr(sha256(convert_to(octet_length(source_id)::text || ':' || source_id || event_id, 'UTF8')), 1, 16),
                  'hex')::uuid;

-- Daily partitions for the rows of version 3, if any (the retention job creates the others, with the configured
-- width, and drops old ones; it runs when the processor starts).
do $$
declare
    day date;
    last date;
begin
    select min(occurred_at at time zone 'UTC')::date, max(occurred_at at time zone 'UTC')::date
    into day, last from processing.processed_event_v3;
    while day <= last loop
        execute format('create table processing.%I partition of processing.processed_event for values from (%L) to (%L)',
                       'processed_event_p' || to_char(day, 'YYYYMMDD') || 't000000',
                       (day::timestamp at time zone 'UTC'), ((day + 1)::timestamp at time zone 'UTC'));
        execute format('create unique index on processing.%I (event_key)', 'processed_event_p' || to_char(day, 'YYYYMMDD') || 't000000');
        day := day + 1;
    end loop;
end $$;

insert into processing.processed_event (event_key, occurred_at, player_id, event_type, numeric_values)
select processing.event_key(source_id, event_id), occurred_at, player_id, event_type,
       case when numeric_values = '{}'::jsonb then null else numeric_values end
from processing.processed_event_v3
on conflict do nothing;

drop table processing.processed_event_v3;

-- Experiments seen archived, and since when (by the processor's cache of definitions): their participants and
-- metrics are dropped veltrix.processor.retention.archived-experiments after that.
create table processing.archived_experiment (
    experiment_key text        primary key,
    seen_at        timestamptz not null default now()
);
