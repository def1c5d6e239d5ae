package io.veltrix.experiments.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.service.ResultsCalculator.Summary;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Reads what the processor aggregated for experiments (read contract: {@code processing.participant},
 * {@code processing.participant_metric}, {@code processing.processed_event}). Read-only. Every query is limited to
 * the participants first exposed in a window [from, to): the analysed phase.
 */
@ApplicationScoped
public class ParticipantRepository {

    /** Time-series granularity; the SQL {@code date_trunc} unit. */
    public enum Interval {
        HOUR, DAY;

        String unit() {
            return this == HOUR ? "hour" : "day";
        }
    }

    /** Count (or value total) in one bucket for one variant. */
    public record BucketValue(String variant, OffsetDateTime bucket, long count, double value) {
    }

    /** Participants per variant key. */
    @WithSession
    public Uni<Map<String, Long>> participants(String experimentKey, OffsetDateTime from, OffsetDateTime to) {
        return rows("select variant, count(*) from processing.participant "
                + "where experiment_key = ?1 and first_exposed_at >= ?2 and first_exposed_at < ?3 group by variant",
                experimentKey, from, to).map(rows -> {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    rows.forEach(r -> counts.put((String) r[0], ((Number) r[1]).longValue()));
                    return counts;
                });
    }

    /**
     * One metric summarised per variant key: participants, participants with at least one event, Σ per-participant
     * totals, Σ totals². A participant's total is their event count for an event-type metric, or their property
     * total for 'event_type.property'; participants without events count as 0.
     */
    @WithSession
    public Uni<Map<String, Summary>> summaries(String experimentKey, String metric, OffsetDateTime from,
                                               OffsetDateTime to) {
        String total = metric.contains(".") ? "m.value_sum" : "m.events";
        String sql = "select p.variant, count(*), count(m.player_id) filter (where m.events > 0), "
                + "coalesce(sum(" + total + "), 0), coalesce(sum(" + total + " * " + total + "), 0) "
                + "from processing.participant p left join processing.participant_metric m "
                + "on m.experiment_key = p.experiment_key and m.player_id = p.player_id and m.metric = ?2 "
                + "where p.experiment_key = ?1 and p.first_exposed_at >= ?3 and p.first_exposed_at < ?4 "
                + "group by p.variant";
        return rows(sql, experimentKey, metric, from, to).map(rows -> {
            Map<String, Summary> summaries = new LinkedHashMap<>();
            rows.forEach(r -> summaries.put((String) r[0], new Summary(((Number) r[1]).longValue(),
                    ((Number) r[2]).longValue(), ((Number) r[3]).doubleValue(), ((Number) r[4]).doubleValue())));
            return summaries;
        });
    }

    /** New participants per bucket (of first exposure, UTC) and variant. */
    @WithSession
    public Uni<List<BucketValue>> exposuresOverTime(String experimentKey, OffsetDateTime from, OffsetDateTime to,
                                                    Interval interval) {
        return rows("select variant, date_trunc('" + interval.unit() + "', first_exposed_at at time zone 'UTC') b, count(*) "
                + "from processing.participant where experiment_key = ?1 and first_exposed_at >= ?2 and first_exposed_at < ?3 "
                + "group by 1, 2 order by 2", experimentKey, from, to).map(ParticipantRepository::buckets);
    }

    /**
     * A conversion metric over time: participants per bucket (UTC) and variant whose first matching event (at or
     * after their first exposure) fell in that bucket.
     */
    @WithSession
    public Uni<List<BucketValue>> conversionsOverTime(String experimentKey, String metric, OffsetDateTime from,
                                                      OffsetDateTime to, Interval interval) {
        String[] parts = split(metric);
        String sql = "select variant, date_trunc('" + interval.unit() + "', first_at at time zone 'UTC') b, count(*) from ("
                + "select p.player_id, p.variant, min(e.occurred_at) first_at from processing.participant p "
                + "join processing.processed_event e on e.player_id = p.player_id and e.event_type = ?2 "
                + "and e.occurred_at >= p.first_exposed_at" + (parts[1] == null ? "" : " and (e.numeric_values ->> ?5) is not null")
                + " where p.experiment_key = ?1 and p.first_exposed_at >= ?3 and p.first_exposed_at < ?4 "
                + "group by p.player_id, p.variant) c group by 1, 2 order by 2";
        return (parts[1] == null ? rows(sql, experimentKey, parts[0], from, to)
                : rows(sql, experimentKey, parts[0], from, to, parts[1])).map(ParticipantRepository::buckets);
    }

    /**
     * A mean metric over time: the participants' metric total per bucket (UTC, of the event) and variant, over
     * events at or after each participant's first exposure.
     */
    @WithSession
    public Uni<List<BucketValue>> totalsOverTime(String experimentKey, String metric, OffsetDateTime from,
                                                 OffsetDateTime to, Interval interval) {
        String[] parts = split(metric);
        String value = parts[1] == null ? "1" : "cast(e.numeric_values ->> ?5 as double precision)";
        String sql = "select p.variant, date_trunc('" + interval.unit() + "', e.occurred_at at time zone 'UTC') b, count(*), "
                + "coalesce(sum(" + value + "), 0) from processing.participant p "
                + "join processing.processed_event e on e.player_id = p.player_id and e.event_type = ?2 "
                + "and e.occurred_at >= p.first_exposed_at" + (parts[1] == null ? "" : " and (e.numeric_values ->> ?5) is not null")
                + " where p.experiment_key = ?1 and p.first_exposed_at >= ?3 and p.first_exposed_at < ?4 "
                + "group by 1, 2 order by 2";
        return (parts[1] == null ? rows(sql, experimentKey, parts[0], from, to)
                : rows(sql, experimentKey, parts[0], from, to, parts[1])).map(ParticipantRepository::buckets);
    }

    /** Whether the processor's tables can be read (for the health check's details). */
    @WithSession
    public Uni<Boolean> readable() {
        return rows("select count(*) from (select 1 from processing.participant limit 1) x")
                .map(r -> true)
                .onFailure().recoverWithItem(false);
    }

    private static String[] split(String metric) {
        int dot = metric.indexOf('.');
        return dot < 0 ? new String[] {metric, null} : new String[] {metric.substring(0, dot), metric.substring(dot + 1)};
    }

    private static List<BucketValue> buckets(List<Object[]> rows) {
        List<BucketValue> values = new ArrayList<>();
        for (Object[] r : rows) {
            double value = r.length > 3 ? ((Number) r[3]).doubleValue() : ((Number) r[2]).doubleValue();
            values.add(new BucketValue((String) r[0], utc(r[1]), ((Number) r[2]).longValue(), value));
        }
        return values;
    }

    private static OffsetDateTime utc(Object value) {
        if (value instanceof OffsetDateTime o) {
            return o.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof LocalDateTime l) {
            return l.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime().atOffset(ZoneOffset.UTC);
        }
        throw new IllegalStateException("unexpected time value " + value + " (" + (value == null ? null : value.getClass()) + ")");
    }

    private static Uni<List<Object[]>> rows(String sql, Object... params) {
        return Panache.getSession().flatMap(session -> {
            Mutiny.SelectionQuery<Object[]> query = session.createNativeQuery(sql, Object[].class);
            for (int i = 0; i < params.length; i++) {
                query.setParameter(i + 1, params[i]);
            }
            return query.getResultList();
        });
    }
}
