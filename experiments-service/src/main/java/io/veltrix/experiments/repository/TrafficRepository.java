package io.veltrix.experiments.repository;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.veltrix.experiments.TrafficMinute;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;

/** Reads the processor's live traffic counts (read contract {@code processing.traffic_minute}). */
@ApplicationScoped
public class TrafficRepository {

    /** The minutes of one event type in [from, to), oldest first. */
    @WithSession
    public Uni<List<TrafficMinute>> minutes(String eventType, OffsetDateTime from, OffsetDateTime to) {
        return TrafficMinute.<TrafficMinute>find("eventType = ?1 and minute >= ?2 and minute < ?3 order by minute",
                eventType, from, to).list();
    }
}
