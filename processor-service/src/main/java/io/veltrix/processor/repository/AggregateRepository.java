package io.veltrix.processor.repository;

import static io.veltrix.processor.repository.EventLogRepository.bind;
import static io.veltrix.processor.repository.EventLogRepository.session;

import io.smallrye.mutiny.Uni;
import io.veltrix.processor.service.Aggregation;
import io.veltrix.schemas.rules.EventRules;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.Function;

/**
 * Writes a batch's {@link Aggregation} into the aggregates (traffic_minute, participant, participant_metric) in one
 * statement (a data-modifying CTE per table, the rows passed as arrays in key order), and a second one only for the
 * participations whose metrics are recomputed. Runs inside the caller's transaction, after the event log statement
 * (so the recomputed metrics see this batch's events).
 *
 * <p>Upserts, so that several processor instances can write at once without losing an update; the participant
 * rows are touched only by the transaction holding their player's lock, the traffic rows (shared by all players) in
 * key order, so transactions never deadlock each other.
 */
@ApplicationScoped
public class AggregateRepository {

    /** The metrics an event contributes: its type (value 1) and each numeric property ('type.property', value). */
    private static final String METRICS_OF_EVENT = """
            cross join lateral (
                select e.event_type as metric, cast(1 as double precision) as value
                union all
                select e.event_type || '.' || n.key, cast(n.value as double precision)
                from jsonb_each(coalesce(e.numeric_values, '{}'::jsonb)) n
                -- a value the aggregates cannot hold (stored before the rules existed) never poisons a recompute
                where case when jsonb_typeof(n.value) = 'number' then abs(cast(n.value as numeric)) <= %s else false end
            ) m
            """.formatted(new java.math.BigDecimal(EventRules.DEFAULT_MAGNITUDE).toPlainString());

    private static final String APPLY = """
            with traffic as (
                insert into processing.traffic_minute (event_type, minute, events)
                select t, timestamptz 'epoch' + m * interval '1 millisecond', n
                from unnest(cast(?1 as text[]), cast(?2 as bigint[]), cast(?3 as bigint[])) as x(t, m, n)
                on conflict (event_type, minute) do update set events = processing.traffic_minute.events + excluded.events
                returning 1),
            participants as (
                insert into processing.participant (experiment_key, player_id, variant, first_exposed_at, exposures, multiple_variants)
                select e, p, v, timestamptz 'epoch' + a * interval '1 millisecond', n, m
                from unnest(cast(?4 as text[]), cast(?5 as text[]), cast(?6 as text[]), cast(?7 as bigint[]),
                            cast(?8 as bigint[]), cast(?9 as boolean[])) as x(e, p, v, a, n, m)
                on conflict (experiment_key, player_id) do update set
                    variant = case when (excluded.first_exposed_at, excluded.variant)
                                        < (processing.participant.first_exposed_at, processing.participant.variant)
                                   then excluded.variant else processing.participant.variant end,
                    first_exposed_at = least(processing.participant.first_exposed_at, excluded.first_exposed_at),
                    exposures = processing.participant.exposures + excluded.exposures,
                    multiple_variants = processing.participant.multiple_variants or excluded.multiple_variants
                                        or processing.participant.variant <> excluded.variant
                returning 1),
            added as (
                insert into processing.participant_metric (experiment_key, player_id, metric, events, value_sum, value_sum_sq)
                select * from unnest(cast(?10 as text[]), cast(?11 as text[]), cast(?12 as text[]), cast(?13 as bigint[]),
                                     cast(?14 as double precision[]), cast(?15 as double precision[]))
                on conflict (experiment_key, player_id, metric) do update set
                    events = processing.participant_metric.events + excluded.events,
                    value_sum = processing.participant_metric.value_sum + excluded.value_sum,
                    value_sum_sq = processing.participant_metric.value_sum_sq + excluded.value_sum_sq
                returning 1)
            select (select count(*) from participants) + (select count(*) from added)
                   -- the traffic rows last: every transaction updates the same few (this minute's), and holds them until
                   -- it commits
                   + (select count(*) from traffic)""";

    /**
     * The participations created or moved earlier by the batch: their metrics recomputed from the event log (run after
     * {@link #APPLY}, in the same transaction; they are never among its metric deltas). A statement of its own, run
     * only when there is one: its join reaches every event-log partition, and planning that (once per connection and
     * again whenever autovacuum's statistics invalidate the plan: 13-16 ms) and opening every partition at each
     * execution cost the aggregates statement of every batch about 1 ms, for a rare case (BENCHMARKS.md,
     * "2026-12-01 21:45–").
     */
    private static final String RECOMPUTE = """
            insert into processing.participant_metric (experiment_key, player_id, metric, events, value_sum, value_sum_sq)
            select r.x, r.p, m.metric, count(*), sum(m.value), sum(m.value * m.value)
            from unnest(cast(?1 as text[]), cast(?2 as text[]), cast(?3 as bigint[])) as r(x, p, f)
            join processing.processed_event e on e.player_id = r.p
                 and e.occurred_at >= timestamptz 'epoch' + r.f * interval '1 millisecond'
                 and e.event_type <> 'experiment_viewed'
            """ + METRICS_OF_EVENT + """
            group by r.x, r.p, m.metric
            order by r.x, r.p, m.metric
            on conflict (experiment_key, player_id, metric) do update set
                events = excluded.events, value_sum = excluded.value_sum, value_sum_sq = excluded.value_sum_sq""";

    /** Applies the aggregation (a no-op without rows). */
    public Uni<Void> apply(Aggregation a) {
        if (a.traffic().isEmpty() && a.participants().isEmpty() && a.metricDeltas().isEmpty() && a.recompute().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Aggregation.TrafficDelta> t = a.traffic();
        List<Aggregation.ExposureDelta> p = a.participants();
        List<Aggregation.MetricDelta> m = a.metricDeltas();
        List<Aggregation.Recompute> r = a.recompute();
        Uni<Void> recompute = r.isEmpty() ? Uni.createFrom().voidItem() : session().flatMap(session -> bind(session,
                session.createNativeQuery(RECOMPUTE), strings(r, d -> d.key().experimentKey()),
                strings(r, d -> d.key().playerId()), longs(r, Aggregation.Recompute::firstExposedAt)).executeUpdate())
                .replaceWithVoid();
        if (t.isEmpty() && p.isEmpty() && m.isEmpty()) {
            return recompute;
        }
        Object[] params = {
                strings(t, Aggregation.TrafficDelta::eventType), longs(t, Aggregation.TrafficDelta::minute),
                longs(t, Aggregation.TrafficDelta::events),
                strings(p, d -> d.key().experimentKey()), strings(p, d -> d.key().playerId()),
                strings(p, Aggregation.ExposureDelta::variant), longs(p, Aggregation.ExposureDelta::firstExposedAt),
                longs(p, Aggregation.ExposureDelta::exposures),
                p.stream().map(Aggregation.ExposureDelta::multipleVariants).toArray(Boolean[]::new),
                strings(m, d -> d.key().experimentKey()), strings(m, d -> d.key().playerId()),
                strings(m, Aggregation.MetricDelta::metric), longs(m, Aggregation.MetricDelta::events),
                doubles(m, Aggregation.MetricDelta::sum), doubles(m, Aggregation.MetricDelta::sumOfSquares)};
        return session().flatMap(session -> bind(session, session.createNativeQuery(APPLY, Long.class), params)
                .getSingleResult()).replaceWithVoid().call(() -> recompute);
    }

    private static <T> String[] strings(List<T> rows, Function<T, String> field) {
        String[] values = new String[rows.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = field.apply(rows.get(i));
        }
        return values;
    }

    private static <T> Long[] longs(List<T> rows, Function<T, Long> field) {
        Long[] values = new Long[rows.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = field.apply(rows.get(i));
        }
        return values;
    }

    private static <T> Double[] doubles(List<T> rows, Function<T, Double> field) {
        Double[] values = new Double[rows.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = field.apply(rows.get(i));
        }
        return values;
    }
}
