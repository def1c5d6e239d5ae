package io.veltrix.processor.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.veltrix.processor.EventFacts;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Writes the dedupe records and the aggregates. Every method runs inside the caller's transaction (see
 * {@code EventProcessor}).
 *
 * <p>The statements are set-based: one round trip per statement whatever the batch size, the batch passed as a
 * few arrays ({@code unnest}), so that the statement text never changes (prepared once per connection). They
 * are upserts, so several processor instances can write at once without losing an update; rows are always
 * written in key order (the arrays are sorted here, and {@code unnest} keeps their order), and the per-player
 * locks are taken first and in order, so transactions never deadlock each other.
 *
 * <p>Times travel as epoch milliseconds ({@code timestamptz 'epoch' + ms * interval '1 millisecond'}: exact).
 */
@ApplicationScoped
public class AggregateRepository {

    /** First key of the processor's advisory locks (two-int form: never collides with Flyway's bigint locks). */
    static final int PLAYER_LOCK_SPACE = 0x56454C54; // "VELT"

    private static final String LOCK_PLAYERS = "select count(*) from (select pg_advisory_xact_lock(" + PLAYER_LOCK_SPACE
            + ", k) from unnest(cast(?1 as integer[])) k) locked";

    private static final String RECORD_NEW = """
            insert into processing.processed_event (source_id, event_id, event_type, player_id, occurred_at, numeric_values)
            select s, i, t, p, timestamptz 'epoch' + o * interval '1 millisecond', cast(v as jsonb)
            from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[]), cast(?4 as text[]),
                        cast(?5 as bigint[]), cast(?6 as text[])) as x(s, i, t, p, o, v)
            on conflict (source_id, event_id) do nothing
            returning source_id, event_id""";

    private static final String ADD_TRAFFIC = """
            insert into processing.traffic_minute (event_type, minute, events)
            select t, timestamptz 'epoch' + m * interval '1 millisecond', n
            from unnest(cast(?1 as text[]), cast(?2 as bigint[]), cast(?3 as bigint[])) as x(t, m, n)
            on conflict (event_type, minute) do update set events = processing.traffic_minute.events + excluded.events""";

    private static final String ADD_EXPOSURES = """
            insert into processing.participant (experiment_key, player_id, variant, first_exposed_at, exposures, multiple_variants)
            select e, p, v, timestamptz 'epoch' + a * interval '1 millisecond', n, m
            from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as text[]), cast(?4 as bigint[]),
                        cast(?5 as bigint[]), cast(?6 as boolean[])) as x(e, p, v, a, n, m)
            on conflict (experiment_key, player_id) do update set
                variant = case when (excluded.first_exposed_at, excluded.variant)
                                    < (processing.participant.first_exposed_at, processing.participant.variant)
                               then excluded.variant else processing.participant.variant end,
                first_exposed_at = least(processing.participant.first_exposed_at, excluded.first_exposed_at),
                exposures = processing.participant.exposures + excluded.exposures,
                multiple_variants = processing.participant.multiple_variants or excluded.multiple_variants
                                    or processing.participant.variant <> excluded.variant
            returning experiment_key, player_id, cast(extract(epoch from first_exposed_at) * 1000 as bigint)""";

    /** The metrics an event contributes: its type (value 1) and each numeric property ('type.property', value). */
    private static final String METRICS_OF_EVENT = """
            cross join lateral (
                select e.event_type as metric, cast(1 as double precision) as value
                union all
                select e.event_type || '.' || n.key, cast(n.value as double precision)
                from jsonb_each(case when jsonb_typeof(e.numeric_values) = 'object' then e.numeric_values else '{}' end) n
                where jsonb_typeof(n.value) = 'number'
            ) m
            """;

    private static final String ADD_METRICS = """
            insert into processing.participant_metric (experiment_key, player_id, metric, events, value_sum, value_sum_sq)
            select p.experiment_key, p.player_id, m.metric, count(*), sum(m.value), sum(m.value * m.value)
            from processing.processed_event e
            join processing.participant p on p.player_id = e.player_id and p.first_exposed_at <= e.occurred_at
            """ + METRICS_OF_EVENT + """
            where (e.source_id, e.event_id) in (select * from unnest(cast(?1 as text[]), cast(?2 as text[])))
              and e.event_type <> 'experiment_viewed'
            group by p.experiment_key, p.player_id, m.metric
            order by p.experiment_key, p.player_id, m.metric
            on conflict (experiment_key, player_id, metric) do update set
                events = processing.participant_metric.events + excluded.events,
                value_sum = processing.participant_metric.value_sum + excluded.value_sum,
                value_sum_sq = processing.participant_metric.value_sum_sq + excluded.value_sum_sq""";

    private static final String DELETE_METRICS = """
            delete from processing.participant_metric
            where (experiment_key, player_id) in (select * from unnest(cast(?1 as text[]), cast(?2 as text[])))""";

    private static final String RECOMPUTE_METRICS = """
            insert into processing.participant_metric (experiment_key, player_id, metric, events, value_sum, value_sum_sq)
            select p.experiment_key, p.player_id, m.metric, count(*), sum(m.value), sum(m.value * m.value)
            from processing.participant p
            join processing.processed_event e on e.player_id = p.player_id and e.occurred_at >= p.first_exposed_at
                                             and e.event_type <> 'experiment_viewed'
            """ + METRICS_OF_EVENT + """
            where (p.experiment_key, p.player_id) in (select * from unnest(cast(?1 as text[]), cast(?2 as text[])))
            group by p.experiment_key, p.player_id, m.metric
            order by p.experiment_key, p.player_id, m.metric""";

    private static final Comparator<EventFacts> BY_KEY = Comparator.comparing(EventFacts::sourceId).thenComparing(EventFacts::eventId);

    private final ObjectMapper json;

    public AggregateRepository(ObjectMapper json) {
        this.json = json;
    }

    /** A participant: one player in one experiment. */
    public record ParticipantKey(String experimentKey, String playerId) implements Comparable<ParticipantKey> {
        private static final Comparator<ParticipantKey> ORDER =
                Comparator.comparing(ParticipantKey::experimentKey).thenComparing(ParticipantKey::playerId);

        @Override
        public int compareTo(ParticipantKey other) {
            return ORDER.compare(this, other);
        }
    }

    /**
     * Serializes the transactions that touch the same players, until commit: a participant's metrics recomputed
     * from the dedupe records (an exposure that arrived late) must see every event of that player counted by any
     * other transaction, and no other transaction may add to them meanwhile. Key_Shared already gives each
     * player to one consumer at a time; this makes it true across re-balancing and crashes too. One advisory
     * lock per distinct player hash, taken in ascending order in one statement (no deadlock).
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
     * Records the events' ids; returns the keys ({@link EventFacts#key()}) of those never seen before. The
     * others were counted already (a redelivery, a client retry) and must not be counted again.
     */
    public Uni<Set<String>> recordNew(List<EventFacts> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<EventFacts> sorted = new ArrayList<>(events);
        sorted.sort(BY_KEY);
        int n = sorted.size();
        String[] sources = new String[n];
        String[] ids = new String[n];
        String[] types = new String[n];
        String[] players = new String[n];
        Long[] times = new Long[n];
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            EventFacts e = sorted.get(i);
            sources[i] = e.sourceId();
            ids[i] = e.eventId();
            types[i] = e.eventType();
            players[i] = e.playerId();
            times[i] = e.occurredAt().toEpochMilli();
            values[i] = toJson(e.numericValues());
        }
        return session().flatMap(session -> bind(session.createNativeQuery(RECORD_NEW, Object[].class),
                sources, ids, types, players, times, values).getResultList()).map(rows -> {
                    Set<String> fresh = new HashSet<>();
                    for (Object[] row : rows) {
                        fresh.add(row[0] + "\u0000" + row[1]);
                    }
                    return fresh;
                });
    }

    /** Adds the events to the live traffic counts (per event type and minute of occurrence). */
    public Uni<Void> addTraffic(List<EventFacts> events) {
        SortedMap<String, SortedMap<Instant, Long>> counts = new TreeMap<>();
        for (EventFacts e : events) {
            counts.computeIfAbsent(e.eventType(), t -> new TreeMap<>())
                    .merge(e.occurredAt().truncatedTo(ChronoUnit.MINUTES), 1L, Long::sum);
        }
        if (counts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> types = new ArrayList<>();
        List<Long> minutes = new ArrayList<>();
        List<Long> totals = new ArrayList<>();
        counts.forEach((type, byMinute) -> byMinute.forEach((minute, total) -> {
            types.add(type);
            minutes.add(minute.toEpochMilli());
            totals.add(total);
        }));
        return execute(ADD_TRAFFIC, types.toArray(String[]::new), minutes.toArray(Long[]::new), totals.toArray(Long[]::new))
                .replaceWithVoid();
    }

    /**
     * Records exposures: creates the participants, or moves a participant's first exposure earlier when an
     * exposure older than the known first one arrives (its variant goes with it; ties go to the smaller variant
     * key, so the result never depends on arrival order). Returns the participants created or moved: their
     * metrics must be recomputed ({@link #recomputeMetrics}).
     */
    public Uni<List<ParticipantKey>> addExposures(List<EventFacts> exposures) {
        SortedMap<ParticipantKey, FirstExposure> byParticipant = new TreeMap<>();
        for (EventFacts e : exposures) {
            byParticipant.computeIfAbsent(new ParticipantKey(e.exposure().experimentKey(), e.playerId()),
                    k -> new FirstExposure()).add(e.occurredAt(), e.exposure().variant());
        }
        if (byParticipant.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        int n = byParticipant.size();
        String[] experiments = new String[n];
        String[] players = new String[n];
        String[] variants = new String[n];
        Long[] times = new Long[n];
        Long[] counts = new Long[n];
        Boolean[] multiple = new Boolean[n];
        int i = 0;
        for (Map.Entry<ParticipantKey, FirstExposure> p : byParticipant.entrySet()) {
            experiments[i] = p.getKey().experimentKey();
            players[i] = p.getKey().playerId();
            variants[i] = p.getValue().variant;
            times[i] = p.getValue().at.toEpochMilli();
            counts[i] = p.getValue().count;
            multiple[i] = p.getValue().variants.size() > 1;
            i++;
        }
        return session().flatMap(session -> bind(session.createNativeQuery(ADD_EXPOSURES, Object[].class),
                experiments, players, variants, times, counts, multiple).getResultList()).map(rows -> {
                    List<ParticipantKey> moved = new ArrayList<>();
                    for (Object[] row : rows) {
                        ParticipantKey key = new ParticipantKey((String) row[0], (String) row[1]);
                        // the first exposure is now this batch's: the participant is new or its exposure moved earlier
                        // (or was already at that very instant: recomputing then is merely redundant)
                        if (((Number) row[2]).longValue() == byParticipant.get(key).at.toEpochMilli()) {
                            moved.add(key);
                        }
                    }
                    moved.sort(null);
                    return moved;
                });
    }

    /**
     * Adds newly counted events to the metrics of the player's participations whose first exposure is at or
     * before the event. Exposures are never metrics.
     *
     * @param events events just recorded by {@link #recordNew} in this transaction
     */
    public Uni<Void> addMetrics(List<EventFacts> events) {
        List<EventFacts> sorted = new ArrayList<>();
        for (EventFacts e : events) {
            if (e.exposure() == null && !EventFacts.EXPOSURE_EVENT.equals(e.eventType())) {
                sorted.add(e);
            }
        }
        if (sorted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        sorted.sort(BY_KEY);
        return execute(ADD_METRICS, sorted.stream().map(EventFacts::sourceId).toArray(String[]::new),
                sorted.stream().map(EventFacts::eventId).toArray(String[]::new)).replaceWithVoid();
    }

    /**
     * Recomputes the participants' metrics from the dedupe records (which keep each event's numeric values): used
     * when a participant is created or its first exposure moves earlier, so that the player's events counted
     * before the exposure arrived, but that occurred after it, count.
     */
    public Uni<Void> recomputeMetrics(List<ParticipantKey> participants) {
        if (participants.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] experiments = participants.stream().map(ParticipantKey::experimentKey).toArray(String[]::new);
        String[] players = participants.stream().map(ParticipantKey::playerId).toArray(String[]::new);
        return execute(DELETE_METRICS, experiments, players)
                .flatMap(deleted -> execute(RECOMPUTE_METRICS, experiments, players)).replaceWithVoid();
    }

    /** The earliest exposure of one participant within a batch, and what else the batch saw of it. */
    private static final class FirstExposure {
        Instant at;
        String variant;
        long count;
        final Set<String> variants = new HashSet<>();

        void add(Instant when, String name) {
            count++;
            variants.add(name);
            if (at == null || when.isBefore(at) || (when.equals(at) && name.compareTo(variant) < 0)) {
                at = when;
                variant = name;
            }
        }
    }

    private Uni<Integer> execute(String sql, Object... params) {
        return session().flatMap(session -> bind(session.createNativeQuery(sql), params).executeUpdate());
    }

    private static <Q extends Mutiny.AbstractQuery> Q bind(Q query, Object... params) {
        for (int i = 0; i < params.length; i++) {
            query.setParameter(i + 1, params[i]);
        }
        return query;
    }

    private static Uni<Mutiny.Session> session() {
        return Panache.getSession();
    }

    private String toJson(Map<String, Double> values) {
        try {
            return json.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
