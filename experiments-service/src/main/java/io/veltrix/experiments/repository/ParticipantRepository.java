package io.veltrix.experiments.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.Metric;
import io.veltrix.experiments.MetricKind;
import io.veltrix.experiments.statistics.Summary;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Reads what the processor aggregated for experiments (read contract: {@code processing.participant},
 * {@code processing.participant_metric}, {@code processing.processed_event}). Read-only. Every query is limited to
 * the participants first exposed in a window [from, to) (the analysed phase), and, but for the counts of who is left
 * out, to the participants exposed to one variant only ({@code multiple_variants} false). Every query on
 * {@code processed_event} is bounded by {@code occurred_at} (the table is partitioned by it).
 */
@ApplicationScoped
public class ParticipantRepository {

    /** Time-series granularity; the SQL {@code date_trunc} unit. */
    public enum Interval {
        MINUTE, HOUR, DAY;

        String unit() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Count (or value total) in one bucket for one variant. */
    public record BucketValue(String variant, OffsetDateTime bucket, long count, double value) {
    }

    /** Participants of one variant: analysed, and left out because they were exposed to several variants. */
    public record Participants(long analysed, long multipleVariants) {
    }

    /**
     * What to summarise for one metric.
     *
     * @param cutAt      null: the metric over all the participant's events since first exposure (the processor's
     *                   {@code participant_metric}); otherwise only events before this time, from {@code processed_event}
     * @param cupedDays  null: no CUPED; otherwise the days before first exposure whose value of the same metric is the
     *                   covariate, from {@code processed_event}
     */
    public record MetricQuery(String experimentKey, Metric metric, OffsetDateTime from, OffsetDateTime to,
                              OffsetDateTime cutAt, Integer cupedDays) {
    }

    /** A metric's summaries per variant key, and the cap applied (NaN when none). */
    public record MetricSummaries(Map<String, Summary> byVariant, double cap) {
    }

    /** Participants per variant key in the window. */
    @WithSession
    public Uni<Map<String, Participants>> participants(String experimentKey, OffsetDateTime from, OffsetDateTime to) {
        return rows("select variant, count(*) filter (where not multiple_variants), count(*) filter (where multiple_variants) "
                + "from processing.participant where experiment_key = :key and first_exposed_at >= :from "
                + "and first_exposed_at < :to group by variant", Map.of("key", experimentKey, "from", from, "to", to))
                .map(rows -> {
                    Map<String, Participants> counts = new LinkedHashMap<>();
                    rows.forEach(r -> counts.put((String) r[0], new Participants(((Number) r[1]).longValue(),
                            ((Number) r[2]).longValue())));
                    return counts;
                });
    }

    /**
     * One metric summarised per variant key over the analysed participants: participants, participants with at least
     * one event, Σ Y, Σ Y² of the per-participant values Y (conversion: 0 or 1; mean: the event count, or the property
     * total for 'event_type.property', capped when the metric says so; participants without events count as 0), and
     * with CUPED the same of the pre-exposure values X and Σ X·Y.
     */
    @WithSession
    public Uni<MetricSummaries> summaries(MetricQuery q) {
        String[] parts = split(q.metric().name());
        boolean property = parts[1] != null;
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("key", q.experimentKey());
        params.put("from", q.from());
        params.put("to", q.to());
        String value = property ? "cast(e.numeric_values ->> :prop as double precision)" : "1";
        String hasValue = property ? " and (e.numeric_values ->> :prop) is not null" : "";
        if (property) {
            params.put("prop", parts[1]);
        }
        StringBuilder sql = new StringBuilder("with p as (select player_id, variant, first_exposed_at from processing.participant "
                + "where experiment_key = :key and first_exposed_at >= :from and first_exposed_at < :to and not multiple_variants), "
                + "t as (select p.variant, ");
        String join;
        if (q.cutAt() == null) {
            params.put("metric", q.metric().name());
            sql.append("coalesce(m.events, 0) ev, coalesce(").append(property ? "m.value_sum" : "m.events").append(", 0) y");
            join = " left join processing.participant_metric m on m.experiment_key = :key and m.player_id = p.player_id "
                    + "and m.metric = :metric";
        } else {
            params.put("type", parts[0]);
            params.put("cut", q.cutAt());
            sql.append("post.ev ev, post.y y");
            join = " left join lateral (select count(*) ev, coalesce(sum(" + value + "), 0) y from processing.processed_event e "
                    + "where e.player_id = p.player_id and e.event_type = :type" + hasValue
                    + " and e.occurred_at >= p.first_exposed_at and e.occurred_at < :cut"
                    + " and e.occurred_at >= :from and e.occurred_at < :cut) post on true";
        }
        boolean cuped = q.cupedDays() != null;
        if (cuped) {
            params.put("type", parts[0]);
            params.put("days", q.cupedDays());
            params.put("preFrom", q.from().minusDays(q.cupedDays()));
            sql.append(", pre.ev xev, pre.x x");
            join += " left join lateral (select count(*) ev, coalesce(sum(" + value + "), 0) x from processing.processed_event e "
                    + "where e.player_id = p.player_id and e.event_type = :type" + hasValue
                    + " and e.occurred_at >= p.first_exposed_at - :days * interval '1 day' and e.occurred_at < p.first_exposed_at"
                    + " and e.occurred_at >= :preFrom and e.occurred_at < :to) pre on true";
        }
        sql.append(" from p").append(join).append("), c as (select ");
        Metric.Capping capping = q.metric().kind() == MetricKind.MEAN ? q.metric().capping() : null;
        if (capping == null) {
            sql.append("cast(null as double precision) cap");
        } else if (capping.type() == Metric.Capping.Type.ABSOLUTE) {
            params.put("cap", capping.value());
            sql.append("cast(:cap as double precision) cap");
        } else {
            params.put("quantile", capping.value());
            sql.append("(select percentile_cont(:quantile) within group (order by y) from t where ev > 0) cap");
        }
        String y;
        String x;
        if (q.metric().kind() == MetricKind.CONVERSION) {
            y = "(case when t.ev > 0 then 1.0 else 0.0 end)";
            x = "(case when t.xev > 0 then 1.0 else 0.0 end)";
        } else {
            // least() ignores a null cap
            y = "least(t.y, c.cap)";
            x = "least(t.x, c.cap)";
        }
        sql.append("), u as (select t.variant, t.ev, ").append(y).append(" y");
        if (cuped) {
            sql.append(", ").append(x).append(" x");
        }
        sql.append(", c.cap from t cross join c) select variant, count(*), count(*) filter (where ev > 0), "
                + "coalesce(sum(y), 0), coalesce(sum(y * y), 0), ");
        if (cuped) {
            sql.append("coalesce(sum(x), 0), coalesce(sum(x * x), 0), coalesce(sum(x * y), 0), ");
        }
        sql.append("max(cap) from u group by variant");
        return rows(sql.toString(), params).map(rows -> {
            Map<String, Summary> summaries = new LinkedHashMap<>();
            double cap = Double.NaN;
            for (Object[] r : rows) {
                Summary.Covariate pre = cuped ? new Summary.Covariate(number(r[5]), number(r[6]), number(r[7])) : null;
                summaries.put((String) r[0], new Summary(((Number) r[1]).longValue(), ((Number) r[2]).longValue(),
                        number(r[3]), number(r[4]), pre));
                Object c = r[r.length - 1];
                if (c != null) {
                    cap = number(c);
                }
            }
            return new MetricSummaries(summaries, cap);
        });
    }

    /** New participants per bucket (of first exposure, UTC) and variant. */
    @WithSession
    public Uni<List<BucketValue>> exposuresOverTime(String experimentKey, OffsetDateTime from, OffsetDateTime to,
                                                    Interval interval) {
        return rows("select variant, date_trunc('" + interval.unit() + "', first_exposed_at at time zone 'UTC') b, count(*) "
                + "from processing.participant where experiment_key = :key and first_exposed_at >= :from and first_exposed_at < :to "
                + "and not multiple_variants group by 1, 2 order by 2", Map.of("key", experimentKey, "from", from, "to", to))
                .map(ParticipantRepository::buckets);
    }

    /**
     * A conversion metric over time: participants per bucket (UTC) and variant whose first matching event (at or
     * after their first exposure, before {@code until}) fell in that bucket.
     */
    @WithSession
    public Uni<List<BucketValue>> conversionsOverTime(String experimentKey, String metric, OffsetDateTime from,
                                                      OffsetDateTime to, OffsetDateTime until, Interval interval) {
        String[] parts = split(metric);
        String sql = "select variant, date_trunc('" + interval.unit() + "', first_at at time zone 'UTC') b, count(*) from ("
                + "select p.player_id, p.variant, min(e.occurred_at) first_at from processing.participant p "
                + "join processing.processed_event e on e.player_id = p.player_id and e.event_type = :type "
                + "and e.occurred_at >= p.first_exposed_at and e.occurred_at >= :from and e.occurred_at < :until"
                + (parts[1] == null ? "" : " and (e.numeric_values ->> :prop) is not null")
                + " where p.experiment_key = :key and p.first_exposed_at >= :from and p.first_exposed_at < :to "
                + "and not p.multiple_variants group by p.player_id, p.variant) c group by 1, 2 order by 2";
        return rows(sql, timeSeriesParams(experimentKey, parts, from, to, until)).map(ParticipantRepository::buckets);
    }

    /**
     * A mean metric over time: the participants' metric total per bucket (UTC, of the event) and variant, over
     * events at or after each participant's first exposure and before {@code until}.
     */
    @WithSession
    public Uni<List<BucketValue>> totalsOverTime(String experimentKey, String metric, OffsetDateTime from,
                                                 OffsetDateTime to, OffsetDateTime until, Interval interval) {
        String[] parts = split(metric);
        String value = parts[1] == null ? "1" : "cast(e.numeric_values ->> :prop as double precision)";
        String sql = "select p.variant, date_trunc('" + interval.unit() + "', e.occurred_at at time zone 'UTC') b, count(*), "
                + "coalesce(sum(" + value + "), 0) from processing.participant p "
                + "join processing.processed_event e on e.player_id = p.player_id and e.event_type = :type "
                + "and e.occurred_at >= p.first_exposed_at and e.occurred_at >= :from and e.occurred_at < :until"
                + (parts[1] == null ? "" : " and (e.numeric_values ->> :prop) is not null")
                + " where p.experiment_key = :key and p.first_exposed_at >= :from and p.first_exposed_at < :to "
                + "and not p.multiple_variants group by 1, 2 order by 2";
        return rows(sql, timeSeriesParams(experimentKey, parts, from, to, until)).map(ParticipantRepository::buckets);
    }

    /** Whether the processor's tables can be read (for the health check's details). */
    @WithSession
    public Uni<Boolean> readable() {
        return rows("select count(*) from (select 1 from processing.participant limit 1) x", Map.of())
                .map(r -> true)
                .onFailure().recoverWithItem(false);
    }

    private static Map<String, Object> timeSeriesParams(String key, String[] parts, OffsetDateTime from, OffsetDateTime to,
                                                        OffsetDateTime until) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("key", key);
        params.put("type", parts[0]);
        params.put("from", from);
        params.put("to", to);
        params.put("until", until);
        if (parts[1] != null) {
            params.put("prop", parts[1]);
        }
        return params;
    }

    private static String[] split(String metric) {
        int dot = metric.indexOf('.');
        return dot < 0 ? new String[] {metric, null} : new String[] {metric.substring(0, dot), metric.substring(dot + 1)};
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
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

    /** Runs {@code sql} with those of {@code params} it names (the SQL is assembled from optional parts). */
    private static Uni<List<Object[]>> rows(String sql, Map<String, Object> params) {
        return Panache.getSession().flatMap(session -> {
            Mutiny.SelectionQuery<Object[]> query = session.createNativeQuery(sql, Object[].class);
            params.forEach((name, value) -> {
                if (Pattern.compile(":" + name + "\\b").matcher(sql).find()) {
                    query.setParameter(name, value);
                }
            });
            return query.getResultList();
        });
    }
}
