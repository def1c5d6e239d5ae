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

/**
 * Counts events exactly once: the event log records and every aggregate update of a batch commit in ONE
 * transaction, so a crash before the commit counts nothing and a redelivery after it counts nothing again. The
 * caller acknowledges the messages only after the returned {@link Uni} succeeded.
 *
 * <p>In the transaction: lock the batch's players ({@link EventLogRepository#lockPlayers}); record the events not
 * seen before and read the players' participations (one statement); compute what the new events change
 * ({@link Aggregation}, in memory); write it (one statement). Must be subscribed on a Vert.x context (Hibernate
 * Reactive).
 */
@ApplicationScoped
public class EventCounter {

    private final EventLogRepository log;
    private final AggregateRepository aggregates;
    private final RetentionJob partitions;
    private final long toleranceMillis;

    public EventCounter(EventLogRepository log, AggregateRepository aggregates, RetentionJob partitions, ProcessorConfig config) {
        this.log = log;
        this.aggregates = aggregates;
        this.partitions = partitions;
        this.toleranceMillis = config.retention().dedupeTolerance().toMillis();
    }

    /** What a batch did: the events new (counted now), and how many had been counted before. */
    public record Counted(List<EventFacts> counted, int duplicates) {
    }

    public Uni<Counted> count(List<EventFacts> events) {
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
        // one session around the transaction, so that a connection found read-only is the one ended afterwards
        return Panache.withSession(() -> Panache.withTransaction(() -> log.lockPlayers(players)
                .flatMap(locked -> log.recordNew(candidates, toleranceMillis,
                        e -> partitions.nearBoundary(e.occurredAt().toEpochMilli(), toleranceMillis), players))
                .flatMap(recorded -> {
                    List<EventFacts> counted = new ArrayList<>(candidates.size());
                    for (EventFacts event : candidates) {
                        if (!recorded.seen().contains(event.identity())) {
                            counted.add(event);
                        }
                    }
                    return aggregates.apply(Aggregation.of(counted, recorded.participations()))
                            .replaceWith(new Counted(counted, events.size() - counted.size()));
                })).onFailure(Failures::isReadOnly).call(log::endSession));
    }
}
