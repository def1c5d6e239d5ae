package io.veltrix.processor.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.veltrix.processor.EventFacts;
import io.veltrix.processor.repository.AggregateRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts a batch of valid events exactly once: the dedupe records and every aggregate update of the batch
 * commit in ONE transaction, so a crash before the commit counts nothing and a redelivery after it counts
 * nothing again. The caller acknowledges the messages only after the returned {@link Uni} succeeded.
 *
 * <p>In the transaction, in this order: lock the batch's players (see {@link AggregateRepository#lockPlayers});
 * record the event ids, keeping the new ones; live traffic; exposures (participants and their first exposure);
 * the new events' contributions to the metrics of the participations they follow; and the metrics of the
 * participants created or whose first exposure moved earlier, recomputed from the dedupe records.
 */
@ApplicationScoped
public class EventProcessor {

    private final AggregateRepository aggregates;

    public EventProcessor(AggregateRepository aggregates) {
        this.aggregates = aggregates;
    }

    /** Result of a batch: the events new (counted now) and how many had been counted before. */
    public record BatchResult(List<EventFacts> counted, int duplicates) {
    }

    /** Must be subscribed on a Vert.x context (Hibernate Reactive). */
    public Uni<BatchResult> process(List<EventFacts> events) {
        // the same event twice in one batch (a client retry published twice) is one event
        Map<String, EventFacts> unique = new LinkedHashMap<>();
        for (EventFacts event : events) {
            unique.putIfAbsent(event.key(), event);
        }
        List<EventFacts> candidates = new ArrayList<>(unique.values());
        List<String> players = candidates.stream().map(EventFacts::playerId).toList();
        return Panache.withTransaction(() -> aggregates.lockPlayers(players)
                .flatMap(locked -> aggregates.recordNew(candidates))
                .flatMap(fresh -> {
                    List<EventFacts> counted = candidates.stream().filter(e -> fresh.contains(e.key())).toList();
                    List<EventFacts> exposures = counted.stream().filter(e -> e.exposure() != null).toList();
                    return aggregates.addTraffic(counted)
                            .flatMap(done -> aggregates.addExposures(exposures))
                            .flatMap(moved -> aggregates.addMetrics(counted)
                                    .flatMap(done -> aggregates.recomputeMetrics(moved)))
                            .replaceWith(new BatchResult(counted, events.size() - counted.size()));
                }));
    }
}
