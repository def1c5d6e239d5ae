package io.veltrix.processor.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.veltrix.processor.EventFacts;
import io.veltrix.processor.service.Aggregation.ParticipantKey;
import io.veltrix.processor.service.Aggregation.Participation;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The event log {@code processing.processed_event}: one row per counted event (the dedupe record, and the input of
 * recomputed metrics), partitioned by the time the event occurred (see migration V4 and {@code RetentionJob}).
 * Every method runs inside the caller's transaction ({@code EventCounter}).
 *
 * <p>Set-based: one round trip per statement whatever the batch size, the batch passed as a few arrays
 * ({@code unnest}), so that the statement text never changes.
 */
@ApplicationScoped
public class EventLogRepository {

    /** First key of the processor's advisory locks (two-int form: never collides with Flyway's bigint locks). */
    public static final int LOCK_SPACE = 0x56454C54; // "VELT"

    private static final String LOCK_PLAYERS = "select count(*) from (select pg_advisory_xact_lock(" + LOCK_SPACE
            + ", k) from unnest(cast(?1 as integer[])) k) locked";

    /**
     * Records the events not seen before, and reads the batch's players' participations, in one round trip. An event
     * is seen when its key is stored at a time within ±tolerance of its own (a copy from a client retry may carry a
     * slightly different time); the primary key catches the exact copies (every redelivery) whatever happens.
     */
    private static final String RECORD_NEW = """
            with fresh as (
                insert into processing.processed_event (event_key, occurred_at, player_id, event_type, numeric_values)
                select x.k, timestamptz 'epoch' + x.o * interval '1 millisecond', x.p, x.t, cast(x.v as jsonb)
                from unnest(cast(?1 as uuid[]), cast(?2 as bigint[]), cast(?3 as text[]), cast(?4 as text[]),
                            cast(?5 as text[])) as x(k, o, p, t, v)
                where not exists (
                    select 1 from processing.processed_event e
                    where e.event_key = x.k
                      and e.occurred_at >= timestamptz 'epoch' + (x.o - ?6) * interval '1 millisecond'
                      and e.occurred_at <= timestamptz 'epoch' + (x.o + ?6) * interval '1 millisecond')
                on conflict do nothing
                returning event_key)
            select 0, cast(event_key as text), null, null, cast(0 as bigint) from fresh
            union all
            select 1, experiment_key, player_id, variant, cast(extract(epoch from first_exposed_at) * 1000 as bigint)
            from processing.participant where player_id = any(cast(?7 as text[]))""";

    /** What {@link #recordNew} found: the keys recorded now (new events), and the players' participations. */
    public record Recorded(Set<UUID> fresh, List<Participation> participations) {
    }

    /**
     * Serializes the transactions that touch the same players, until commit: a participant's metrics recomputed from
     * the event log (an exposure that arrived late) must see every event of that player counted by any other
     * transaction, and no other transaction may add to them meanwhile; copies of one event (same player) are judged
     * one after the other. Key_Shared already gives each player to one consumer at a time; this makes it true across
     * re-balancing, crashes and the batches one instance has in flight. One advisory lock per distinct player hash,
     * taken in ascending order in one statement (no deadlock).
     */
    public Uni<Void> lockPlayers(Collection<String> playerIds) {
        SortedSet<Integer> hashes = new TreeSet<>();
        for (String player : playerIds) {
            hashes.add(player.hashCode());
        }
        if (hashes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return session().flatMap(session -> bind(session.createNativeQuery(LOCK_PLAYERS, Long.class),
                (Object) hashes.toArray(Integer[]::new)).getSingleResult()).replaceWithVoid();
    }

    /**
     * Records the events (already unique by key, in key order) and reads the participations of their players.
     *
     * @param toleranceMillis copies of an event within this many milliseconds of each other are one event
     */
    public Uni<Recorded> recordNew(List<EventFacts> events, long toleranceMillis, Collection<String> players) {
        int n = events.size();
        UUID[] keys = new UUID[n];
        Long[] times = new Long[n];
        String[] playerIds = new String[n];
        String[] types = new String[n];
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            EventFacts e = events.get(i);
            keys[i] = e.key();
            times[i] = e.occurredAt().toEpochMilli();
            playerIds[i] = e.playerId();
            types[i] = e.eventType();
            values[i] = json(e.numericValues());
        }
        return session().flatMap(session -> bind(session.createNativeQuery(RECORD_NEW, Object[].class), keys, times,
                playerIds, types, values, toleranceMillis, players.toArray(String[]::new)).getResultList()).map(rows -> {
                    Set<UUID> fresh = new HashSet<>();
                    List<Participation> participations = new ArrayList<>();
                    for (Object[] row : rows) {
                        if (((Number) row[0]).intValue() == 0) {
                            fresh.add(UUID.fromString((String) row[1]));
                        } else {
                            participations.add(new Participation(new ParticipantKey((String) row[1], (String) row[2]),
                                    (String) row[3], ((Number) row[4]).longValue()));
                        }
                    }
                    return new Recorded(fresh, participations);
                });
    }

    /** The numeric values as a JSON object, or null when there are none (no Jackson: numbers and plain names only). */
    static String json(Map<String, Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        StringBuilder json = new StringBuilder(16 * values.size() + 2).append('{');
        for (Map.Entry<String, Double> value : values.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            // Avro field names are [A-Za-z_][A-Za-z0-9_]*: nothing to escape
            json.append('"').append(value.getKey()).append("\":");
            double v = value.getValue();
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                json.append((long) v);
            } else {
                json.append(v);
            }
        }
        return json.append('}').toString();
    }

    static <Q extends Mutiny.AbstractQuery> Q bind(Q query, Object... params) {
        for (int i = 0; i < params.length; i++) {
            query.setParameter(i + 1, params[i]);
        }
        return query;
    }

    static Uni<Mutiny.Session> session() {
        return Panache.getSession();
    }
}
