package io.veltrix.processor.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.function.Function;
import java.util.function.Predicate;
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

    private final ObjectMapper json;

    public EventLogRepository(ObjectMapper json) {
        this.json = json;
    }

    /** First key of the processor's advisory locks (two-int form: never collides with Flyway's bigint locks). */
    public static final int LOCK_SPACE = 0x56454C54; // "VELT"

    private static final String LOCK_PLAYERS = "select count(*) from (select pg_advisory_xact_lock(" + LOCK_SPACE
            + ", k) from unnest(cast(?1 as integer[])) k) locked";

    /** The batch's players' participations (the players' array is parameter %d). */
    private static String participations(int parameter) {
        return """
                participations as (
                    select experiment_key, player_id, variant, first_exposed_at from processing.participant
                    where player_id = any(cast(?%d as text[])))""".formatted(parameter);
    }

    /** The participations as one JSON array of [experiment, player, variant, first exposure in epoch ms]. */
    private static final String PARTICIPATIONS_JSON = """
            (select coalesce(json_agg(json_build_array(experiment_key, player_id, variant,
                                                       cast(extract(epoch from first_exposed_at) * 1000 as bigint))), '[]')
             from participations)""";

    /**
     * The end of both statements that look for copies: the events seen before (player and key) and the
     * participations (players as parameter 7) in one JSON value.
     */
    private static final String RECORD_NEW_ANSWER = "\n" + participations(7) + """

            select cast(json_build_array(
                       (select coalesce(json_agg(json_build_array(x.p, x.k)), '[]') from input x
                        where not exists (select 1 from fresh f where f.event_key = x.k and f.player_id = x.p)),
                       """ + PARTICIPATIONS_JSON + ") as text)";

    /**
     * Records the events not seen before, and reads the batch's players' participations, in one round trip and one
     * JSON value (a row per event through Hibernate Reactive's result mapping would cost more than counting it, and it
     * does not map array columns). An event is seen when its player and key are stored at a time within ±tolerance of
     * its own (a copy from a client retry may carry a slightly different time): in its own partition the unique
     * (player_id, event_key) index says so, whatever happens; an event near a partition boundary ({@code near}) is also
     * looked for around its time. What comes back: the events that were seen already (usually none), and the
     * participations.
     */
    private static final String RECORD_NEW = """
            with input as materialized (
                select k, timestamptz 'epoch' + ms * interval '1 millisecond' as o,
                       timestamptz 'epoch' + (ms - ?3) * interval '1 millisecond' as lo,
                       timestamptz 'epoch' + (ms + ?3) * interval '1 millisecond' as hi, p, t, v, near
                from unnest(cast(?1 as uuid[]), cast(?2 as bigint[]), cast(?4 as text[]), cast(?5 as text[]),
                            cast(?6 as text[]), cast(?8 as boolean[])) as x(k, ms, p, t, v, near)),
            fresh as (
                insert into processing.processed_event (event_key, occurred_at, player_id, event_type, numeric_values)
                select x.k, x.o, x.p, x.t, cast(x.v as jsonb) from input x
                where not (x.near and exists (select 1 from processing.processed_event e
                                              where e.player_id = x.p and e.event_key = x.k
                                                and e.occurred_at >= x.lo and e.occurred_at <= x.hi))
                -- a copy in the same partition: its unique (player_id, event_key) index
                on conflict do nothing
                returning player_id, event_key),""" + RECORD_NEW_ANSWER;

    /**
     * The same for a batch without an event near a partition boundary (most batches: all but those of the hours
     * around midnight): no look-up in other partitions, whose plan alone (every partition's index opened for it)
     * took about a seventh of the statement's time.
     */
    private static final String RECORD_NEW_WITHIN_PARTITIONS = """
            with input as materialized (
                select k, timestamptz 'epoch' + ms * interval '1 millisecond' as o, p, t, v
                from unnest(cast(?1 as uuid[]), cast(?2 as bigint[]), cast(?3 as text[]), cast(?4 as text[]),
                            cast(?5 as text[])) as x(k, ms, p, t, v)),
            fresh as (
                insert into processing.processed_event (event_key, occurred_at, player_id, event_type, numeric_values)
                select x.k, x.o, x.p, x.t, cast(x.v as jsonb) from input x
                -- a copy (in the same partition, the batch having no event near a boundary): its unique
                -- (player_id, event_key) index
                on conflict do nothing
                returning player_id, event_key),""" + RECORD_NEW_ANSWER.replace("?7", "?6");

    /**
     * Records a batch whose events were never seen as far as the processor can tell (no event near a partition
     * boundary, no message redelivered): a plain insert, without looking for copies first. Its partition's unique
     * (player_id, event_key) index still refuses a copy (SQLSTATE 23505, {@code Failures.isUniqueViolation}): the
     * caller then counts the batch again with {@link #recordNew}. The look-up before each row that
     * {@code on conflict} does, and the rows returned to find the copies, cost PostgreSQL time on every batch for
     * copies that are rare (BENCHMARKS.md, "2026-12-01 21:45–").
     */
    private static final String INSERT_NEW = """
            with fresh as (
                insert into processing.processed_event (event_key, occurred_at, player_id, event_type, numeric_values)
                select k, timestamptz 'epoch' + ms * interval '1 millisecond', p, t, cast(v as jsonb)
                from unnest(cast(?1 as uuid[]), cast(?2 as bigint[]), cast(?3 as text[]), cast(?4 as text[]),
                            cast(?5 as text[])) as x(k, ms, p, t, v)),
            """ + participations(6) + """

            select cast(json_build_array(json '[]', """ + PARTICIPATIONS_JSON + ") as text)";

    /**
     * The same near a partition boundary (the hours around midnight with daily partitions): a plain insert too, and
     * the events near a boundary looked for in the partitions next to their own only ({@link Elsewhere}: their own
     * partition's unique index refuses a copy there, SQLSTATE 23505). The third value of the answer is how many have
     * a copy elsewhere: then {@link #insertNew} fails with {@link CopyElsewhere}, and the batch is to be counted again
     * with {@link #recordNew}. Looking in every partition around each event's time cost the event-log statement
     * about twice its time: 34 instead of 18 µs per event in the benchmark (BENCHMARKS.md, 2026-12-02).
     */
    private static final String INSERT_NEW_NEAR = """
            with batch as materialized (
                select k, ms, p, t, v, b0, b1, a0, a1
                from unnest(cast(?1 as uuid[]), cast(?2 as bigint[]), cast(?3 as text[]), cast(?4 as text[]),
                            cast(?5 as text[]), cast(?7 as bigint[]), cast(?8 as bigint[]), cast(?9 as bigint[]),
                            cast(?10 as bigint[])) as x(k, ms, p, t, v, b0, b1, a0, a1)),
            fresh as (
                insert into processing.processed_event (event_key, occurred_at, player_id, event_type, numeric_values)
                select k, timestamptz 'epoch' + ms * interval '1 millisecond', p, t, cast(v as jsonb) from batch),
            near as (select * from batch where b0 is not null or a0 is not null),
            elsewhere as (
                select count(*) as copies from near x
                where exists (select 1 from processing.processed_event e
                              where e.player_id = x.p and e.event_key = x.k
                                and e.occurred_at >= timestamptz 'epoch' + x.b0 * interval '1 millisecond'
                                and e.occurred_at < timestamptz 'epoch' + x.b1 * interval '1 millisecond')
                   or exists (select 1 from processing.processed_event e
                              where e.player_id = x.p and e.event_key = x.k
                                and e.occurred_at >= timestamptz 'epoch' + x.a0 * interval '1 millisecond'
                                and e.occurred_at <= timestamptz 'epoch' + x.a1 * interval '1 millisecond')),
            """ + participations(6) + """

            select cast(json_build_array(json '[]', """ + PARTICIPATIONS_JSON + ", (select copies from elsewhere)) as text)";

    /**
     * Where a copy of an event could lie outside its own partition, in epoch milliseconds: [beforeFrom, beforeTo)
     * and [afterFrom, afterTo], each pair null when there is nothing on that side (RetentionJob.elsewhere).
     */
    public record Elsewhere(Long beforeFrom, Long beforeTo, Long afterFrom, Long afterTo) {
    }

    /** A copy of an event of the batch was found in another partition: count the batch again with {@link #recordNew}. */
    public static final class CopyElsewhere extends RuntimeException {
        public CopyElsewhere(long copies) {
            super(copies + " event(s) of the batch counted before in a neighbouring partition", null, false, false);
        }
    }

    /** What {@link #recordNew} found: the events counted before (not now), and the players' participations. */
    public record Recorded(Set<EventFacts.Identity> seen, List<Participation> participations) {
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
        return session().flatMap(session -> bind(session, session.createNativeQuery(LOCK_PLAYERS, Long.class),
                (Object) hashes.toArray(Integer[]::new)).getSingleResult()).replaceWithVoid();
    }

    /**
     * Records the events (already unique by player and key, in key order) and reads the participations of their
     * players.
     *
     * @param toleranceMillis copies of an event within this many milliseconds of each other are one event
     * @param near            whether an event's copies could lie in another partition (see RetentionJob.nearBoundary)
     */
    public Uni<Recorded> recordNew(List<EventFacts> events, long toleranceMillis, Predicate<EventFacts> near,
                                   Collection<String> players) {
        Columns c = Columns.of(events);
        Boolean[] nearBoundary = new Boolean[events.size()];
        boolean anyNear = false;
        for (int i = 0; i < nearBoundary.length; i++) {
            nearBoundary[i] = near.test(events.get(i));
            anyNear |= nearBoundary[i];
        }
        String[] batchPlayers = players.toArray(String[]::new);
        if (!anyNear) {
            return answer(RECORD_NEW_WITHIN_PARTITIONS, c.keys, c.times, c.players, c.types, c.values, batchPlayers);
        }
        return answer(RECORD_NEW, c.keys, c.times, toleranceMillis, c.players, c.types, c.values, batchPlayers, nearBoundary);
    }

    /**
     * Records events none of which can have a copy in another partition, without looking for copies: fails with
     * SQLSTATE 23505 when one of them was recorded before (then nothing of the statement is written, and the
     * transaction is to be rolled back and the batch counted with {@link #recordNew}). Reads the participations of
     * their players.
     */
    public Uni<Recorded> insertNew(List<EventFacts> events, Collection<String> players) {
        Columns c = Columns.of(events);
        return answer(INSERT_NEW, c.keys, c.times, c.players, c.types, c.values, players.toArray(String[]::new));
    }

    /**
     * The same for a batch that may have events near a partition boundary: those are looked for in the partitions
     * next to their own ({@code elsewhere}: null for an event not near one); a copy found there fails the returned
     * {@link Uni} with {@link CopyElsewhere} (the transaction is to be rolled back).
     */
    public Uni<Recorded> insertNew(List<EventFacts> events, Collection<String> players,
                                   Function<EventFacts, Elsewhere> elsewhere) {
        int n = events.size();
        Long[] beforeFrom = new Long[n];
        Long[] beforeTo = new Long[n];
        Long[] afterFrom = new Long[n];
        Long[] afterTo = new Long[n];
        boolean anyNear = false;
        for (int i = 0; i < n; i++) {
            Elsewhere where = elsewhere.apply(events.get(i));
            if (where != null) {
                anyNear = true;
                beforeFrom[i] = where.beforeFrom();
                beforeTo[i] = where.beforeTo();
                afterFrom[i] = where.afterFrom();
                afterTo[i] = where.afterTo();
            }
        }
        if (!anyNear) {
            return insertNew(events, players);
        }
        Columns c = Columns.of(events);
        return session().flatMap(session -> bind(session, session.createNativeQuery(INSERT_NEW_NEAR, String.class), c.keys, c.times,
                        c.players, c.types, c.values, players.toArray(String[]::new), beforeFrom, beforeTo, afterFrom, afterTo)
                        .getSingleResult())
                .map(result -> {
                    JsonNode answer = parse(result);
                    long copies = answer.get(2).asLong();
                    if (copies > 0) {
                        throw new CopyElsewhere(copies);
                    }
                    return recorded(answer);
                });
    }

    private Uni<Recorded> answer(String statement, Object... params) {
        return session().flatMap(session -> bind(session, session.createNativeQuery(statement, String.class), params).getSingleResult())
                .map(this::recorded);
    }

    /** The events as the statements' arrays, in the events' order. */
    private record Columns(UUID[] keys, Long[] times, String[] players, String[] types, String[] values) {
        static Columns of(List<EventFacts> events) {
            int n = events.size();
            Columns c = new Columns(new UUID[n], new Long[n], new String[n], new String[n], new String[n]);
            for (int i = 0; i < n; i++) {
                EventFacts e = events.get(i);
                c.keys[i] = e.key();
                c.times[i] = e.occurredAt().toEpochMilli();
                c.players[i] = e.playerId();
                c.types[i] = e.eventType();
                c.values[i] = json(e.numericValues());
            }
            return c;
        }
    }

    private JsonNode parse(String result) {
        try {
            return json.readTree(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable answer of the event log statement", e);
        }
    }

    private Recorded recorded(String result) {
        return recorded(parse(result));
    }

    private Recorded recorded(JsonNode answer) {
        Set<EventFacts.Identity> seen = new HashSet<>();
        for (JsonNode event : answer.get(0)) {
            seen.add(new EventFacts.Identity(event.get(0).asText(), UUID.fromString(event.get(1).asText())));
        }
        List<Participation> participations = new ArrayList<>(answer.get(1).size());
        for (JsonNode p : answer.get(1)) {
            participations.add(new Participation(new ParticipantKey(p.get(0).asText(), p.get(1).asText()), p.get(2).asText(),
                    p.get(3).asLong()));
        }
        return new Recorded(seen, participations);
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

    /**
     * Ends the session's own server process: its connection closes, and the pool opens a new one for the next batch.
     * For a connection that met a read-only server: the session default it took at connect
     * ({@code default_transaction_read_only}) outlives the repair, while a new connection takes the server's current
     * one. Connections live long (opening one costs its first batch the plans of every statement over every event-log
     * partition), so they are not simply left to expire. Never fails: the connection ends either way.
     */
    public Uni<Void> endSession() {
        return session().flatMap(session -> session.createNativeQuery("select pg_terminate_backend(pg_backend_pid())",
                        Boolean.class).getSingleResult())
                .replaceWithVoid().onFailure().recoverWithNull();
    }

    /** Binds the parameters by position, arrays with their type resolved once ({@link ArrayParameters}). */
    static <Q extends Mutiny.AbstractQuery> Q bind(Mutiny.Session session, Q query, Object... params) {
        Mutiny.SessionFactory factory = session.getFactory();
        for (int i = 0; i < params.length; i++) {
            query.setParameter(i + 1, ArrayParameters.typed(factory, params[i]));
        }
        return query;
    }

    static Uni<Mutiny.Session> session() {
        return Panache.getSession();
    }
}
