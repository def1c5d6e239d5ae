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
 * Counts a batch of events exactly once: the dedupe records and every aggregate update of the batch commit
 * in ONE transaction, so a crash before the commit counts nothing and a redelivery after it counts nothing
 * again. The caller acknowledges the messages only after the returned {@link Uni} succeeded.
 */
@ApplicationScoped
public class EventProcessor {

    private final AggregateRepository aggregates;

    public EventProcessor(AggregateRepository aggregates) {
        this.aggregates = aggregates;
    }

    /** Result of a batch: how many events were new (counted now) and how many had been counted before. */
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
        return Panache.withTransaction(() -> aggregates.recordNew(candidates)
                .flatMap(fresh -> {
                    List<EventFacts> counted = candidates.stream().filter(e -> fresh.contains(e.key())).toList();
                    return aggregates.addTraffic(counted)
                            .replaceWith(new BatchResult(counted, events.size() - counted.size()));
                }));
    }

}
