package io.veltrix.processor.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.veltrix.processor.EventFacts;
import io.veltrix.processor.config.ProcessorConfig;
import io.veltrix.processor.repository.AggregateRepository;
import io.veltrix.processor.repository.EventLogRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Counts events exactly once: the event log records and every aggregate update of a batch commit in ONE
 * transaction, so a crash before the commit counts nothing and a redelivery after it counts nothing again. The
 * caller acknowledges the messages only after the returned {@link Uni} succeeded.
 *
 * <p>In the transaction: lock the batch's players ({@link EventLogRepository#lockPlayers}); record the events not
 * seen before and read the players' participations (one statement: a plain insert when no copy is expected, else
 * one that looks for copies first); compute what the new events change ({@link Aggregation}, in memory); write it
 * (one statement). A copy met by the plain insert rolls the transaction back, and the batch is counted again looking
 * for copies. Must be subscribed on a Vert.x context (Hibernate Reactive).
 */
@ApplicationScoped
public class EventCounter {

    private final EventLogRepository log;
    private final AggregateRepository aggregates;
    private final RetentionJob partitions;
    private final long toleranceMillis;
    private final ProcessorMetrics metrics;

    public EventCounter(EventLogRepository log, AggregateRepository aggregates, RetentionJob partitions, ProcessorConfig config,
                        ProcessorMetrics metrics) {
        this.log = log;
        this.metrics = metrics;
        this.aggregates = aggregates;
        this.partitions = partitions;
        this.toleranceMillis = config.retention().dedupeTolerance().toMillis();
    }

    /** What a batch did: the events new (counted now), and how many had been counted before. */
    public record Counted(List<EventFacts> counted, int duplicates) {
    }

    /**
     * Counts the events that were not counted before.
     *
     * @param redelivered whether some of them may have been counted before as far as the broker knows (a message
     *                    delivered again): then copies are looked for first; otherwise the batch is inserted as new
     *                    (its events near a partition boundary looked for in the partitions next to their own), and
     *                    looked at again only when the event log meets a copy (a client's retry published twice)
     */
    public Uni<Counted> count(List<EventFacts> events, boolean redelivered) {
        // the same event twice in one batch (a client retry published twice) is one event
        Map<EventFacts.Identity, EventFacts> unique = new LinkedHashMap<>();
        for (EventFacts event : events) {
            unique.putIfAbsent(event.identity(), event);
        }
        List<EventFacts> candidates = new ArrayList<>(unique.values());
        candidates.sort(Comparator.comparing(EventFacts::key));
        Set<String> players = new HashSet<>();
        for (EventFacts event : candidates) {
            players.add(event.playerId());
        }
        Supplier<Uni<EventLogRepository.Recorded>> lookingForCopies =
                () -> log.recordNew(candidates, toleranceMillis, this::near, players);
        if (redelivered) {
            return transaction(players, lookingForCopies, candidates, events.size());
        }
        return transaction(players, () -> log.insertNew(candidates, players, this::elsewhere), candidates, events.size())
                .onFailure(copy -> Failures.isUniqueViolation(copy) || Failures.causedBy(copy, EventLogRepository.CopyElsewhere.class))
                .recoverWithUni(copy -> {
                    metrics.recounted();
                    return transaction(players, lookingForCopies, candidates, events.size());
                });
    }

    private boolean near(EventFacts event) {
        return partitions.nearBoundary(event.occurredAt().toEpochMilli(), toleranceMillis);
    }

    private EventLogRepository.Elsewhere elsewhere(EventFacts event) {
        return partitions.elsewhere(event.occurredAt().toEpochMilli(), toleranceMillis);
    }

    /** One transaction: lock the players, record the events, update the aggregates with the ones counted now. */
    private Uni<Counted> transaction(Set<String> players, Supplier<Uni<EventLogRepository.Recorded>> record,
                                     List<EventFacts> candidates, int events) {
        // one session around the transaction, so that a connection found read-only is the one ended afterwards
        return Panache.withSession(() -> Panache.withTransaction(() -> log.lockPlayers(players)
                .flatMap(locked -> record.get())
                .flatMap(recorded -> {
                    List<EventFacts> counted = new ArrayList<>(candidates.size());
                    for (EventFacts event : candidates) {
                        if (!recorded.seen().contains(event.identity())) {
                            counted.add(event);
                        }
                    }
                    return aggregates.apply(Aggregation.of(counted, recorded.participations()))
                            .replaceWith(new Counted(counted, events - counted.size()));
                })).onFailure(Failures::isReadOnly).call(log::endSession));
    }
}
