package io.veltrix.processor.repository;

import static io.veltrix.processor.repository.EventLogRepository.bind;
import static io.veltrix.processor.repository.EventLogRepository.session;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The retention job's statements: the partitions of {@code processing.processed_event} (listed from the catalog,
 * created ahead, dropped when old), and the deletes of old traffic minutes and of archived experiments' aggregates.
 * Run inside the caller's transaction.
 */
@ApplicationScoped
public class RetentionRepository {

    /** Second key of the retention job's advisory lock (first: {@link EventLogRepository#LOCK_SPACE}). */
    static final int RETENTION_LOCK = 1;

    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private static final String PARTITIONS = """
            select c.relname,
                   cast(extract(epoch from cast((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]
                        as timestamptz)) * 1000 as bigint),
                   cast(extract(epoch from cast((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]
                        as timestamptz)) * 1000 as bigint)
            from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = cast('processing.processed_event' as regclass)
            order by 2""";

    /** One partition: its table name and the range of occurred_at it holds, [from, to) in epoch ms. */
    public record Partition(String name, long from, long to) {
    }

    /**
     * Takes the retention job's lock for the transaction, if nobody else has it; also bounds how long the job may
     * wait for the table locks it needs (it must not hold the batches up for long: it tries again next time).
     */
    public Uni<Boolean> tryLock(long lockTimeoutMillis) {
        return session().flatMap(s -> s.createNativeQuery("select set_config('lock_timeout', ?1, true)")
                        .setParameter(1, lockTimeoutMillis + "ms").getSingleResult())
                .flatMap(x -> session().flatMap(s -> s.createNativeQuery("select pg_try_advisory_xact_lock("
                        + EventLogRepository.LOCK_SPACE + ", " + RETENTION_LOCK + ")", Boolean.class).getSingleResult()));
    }

    public Uni<List<Partition>> partitions() {
        return session().flatMap(s -> s.createNativeQuery(PARTITIONS, Object[].class).getResultList()).map(rows -> {
            List<Partition> partitions = new ArrayList<>();
            for (Object[] row : rows) {
                if (row[1] != null && row[2] != null) {
                    partitions.add(new Partition((String) row[0], ((Number) row[1]).longValue(), ((Number) row[2]).longValue()));
                }
            }
            return partitions;
        });
    }

    /**
     * Creates the partition for [from, to) (epoch ms), its name saying where it starts, with its one index: unique
     * (player_id, event_key), the dedupe structure and the per-player access path (migration V6), in the caller's
     * transaction: no event lands in it before the index exists.
     */
    public Uni<Partition> create(long from, long to) {
        String name = "processed_event_p" + NAME.format(Instant.ofEpochMilli(from)).toLowerCase(java.util.Locale.ROOT);
        String table = "create table processing." + name + " partition of processing.processed_event for values from ('"
                + Instant.ofEpochMilli(from) + "') to ('" + Instant.ofEpochMilli(to) + "')";
        String index = "create unique index " + name + "_player_event_key on processing." + name + " (player_id, event_key)";
        return session().flatMap(s -> s.createNativeQuery(table).executeUpdate())
                .flatMap(x -> session().flatMap(s -> s.createNativeQuery(index).executeUpdate()))
                .replaceWith(new Partition(name, from, to));
    }

    /** Drops a partition, and the event records in it, at once. */
    public Uni<Void> drop(Partition partition) {
        if (!partition.name().matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("not a partition name: " + partition.name());
        }
        return session().flatMap(s -> s.createNativeQuery("drop table processing." + partition.name()).executeUpdate())
                .replaceWithVoid();
    }

    /** Deletes the traffic minutes before {@code before}; returns how many. */
    public Uni<Integer> deleteTrafficBefore(Instant before) {
        return session().flatMap(s -> bind(s, s.createNativeQuery(
                "delete from processing.traffic_minute where minute < timestamptz 'epoch' + ?1 * interval '1 millisecond'"),
                before.toEpochMilli()).executeUpdate());
    }

    /**
     * Records which experiments are archived now (since when: the first time the processor saw them so), forgets
     * those that no longer are, and deletes the participants and metrics of those archived before {@code before}.
     * Returns how many participants were deleted.
     */
    public Uni<Integer> expireArchived(Collection<String> archivedNow, Instant before) {
        String[] keys = archivedNow.toArray(String[]::new);
        long cutoff = before.toEpochMilli();
        return session().flatMap(s -> bind(s, s.createNativeQuery("""
                        with seen as (
                            insert into processing.archived_experiment (experiment_key)
                            select unnest(cast(?1 as text[])) on conflict do nothing returning 1),
                        forgotten as (
                            delete from processing.archived_experiment where experiment_key <> all(cast(?1 as text[])) returning 1),
                        expired as (
                            select experiment_key from processing.archived_experiment
                            where seen_at < timestamptz 'epoch' + ?2 * interval '1 millisecond'
                              and experiment_key = any(cast(?1 as text[]))),
                        metrics as (
                            delete from processing.participant_metric where experiment_key in (select experiment_key from expired)
                            returning 1),
                        participants as (
                            delete from processing.participant where experiment_key in (select experiment_key from expired)
                            returning 1)
                        select count(*) from participants""", Long.class), keys, cutoff)
                .getSingleResult()).map(Long::intValue);
    }
}
