-- A counted event adds to the metrics of every participation of its player: find them by player.
create index participant_player on processing.participant (player_id, first_exposed_at);

-- True when the participant was exposed to more than one variant of the experiment (e.g. the experiment's
-- weights changed, or a client cached an old assignment). Analyses usually exclude such participants.
alter table processing.participant add column multiple_variants boolean not null default false;
