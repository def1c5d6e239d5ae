package io.veltrix.processor.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.veltrix.processor.EventFacts;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Writes the dedupe records and the aggregates. Every method runs inside the caller's transaction (see
 * {@code EventProcessor}); the statements are set-based upserts so that several processor instances can
 * write at once without losing updates, and rows are always touched in key order (no deadlocks).
 */
@ApplicationScoped
public class AggregateRepository {

    private final ObjectMapper json;

    public AggregateRepository(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Records the events' ids; returns the keys ({@link EventFacts#key()}) of those never seen before. The
     * others were counted already (a redelivery, a client retry) and must not be counted again.
     */
    public Uni<Set<String>> recordNew(List<EventFacts> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        StringBuilder sql = new StringBuilder("insert into processing.processed_event "
                + "(source_id, event_id, event_type, player_id, occurred_at, numeric_values) values ");
        List<Object> params = new ArrayList<>(events.size() * 6);
        for (int i = 0; i < events.size(); i++) {
            EventFacts e = events.get(i);
            int p = i * 6;
            sql.append(i == 0 ? "" : ", ").append("(?").append(p + 1).append(", ?").append(p + 2).append(", ?")
                    .append(p + 3).append(", ?").append(p + 4).append(", ?").append(p + 5).append(", cast(?")
                    .append(p + 6).append(" as jsonb))");
            params.add(e.sourceId());
            params.add(e.eventId());
            params.add(e.eventType());
            params.add(e.playerId());
            params.add(OffsetDateTime.ofInstant(e.occurredAt(), ZoneOffset.UTC));
            params.add(toJson(e.numericValues()));
        }
        sql.append(" on conflict (source_id, event_id) do nothing returning source_id, event_id");
        return session().flatMap(session -> {
            Mutiny.SelectionQuery<Object[]> query = session.createNativeQuery(sql.toString(), Object[].class);
            for (int i = 0; i < params.size(); i++) {
                query.setParameter(i + 1, params.get(i));
            }
            return query.getResultList();
        }).map(rows -> {
            Set<String> fresh = new HashSet<>();
            for (Object[] row : rows) {
                fresh.add(row[0] + "\u0000" + row[1]);
            }
            return fresh;
        });
    }

    /** Adds the events to the live traffic counts (per event type and minute of occurrence). */
    public Uni<Void> addTraffic(List<EventFacts> events) {
        SortedMap<String, Long> counts = new TreeMap<>();
        for (EventFacts e : events) {
            counts.merge(e.eventType() + '\u0000' + minute(e.occurredAt()), 1L, Long::sum);
        }
        if (counts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        StringBuilder sql = new StringBuilder("insert into processing.traffic_minute (event_type, minute, events) values ");
        List<Object> params = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Long> count : counts.entrySet()) {
            String[] key = count.getKey().split("\u0000", 2);
            sql.append(i == 0 ? "" : ", ").append("(?").append(i * 3 + 1).append(", ?").append(i * 3 + 2)
                    .append(", ?").append(i * 3 + 3).append(")");
            params.add(key[0]);
            params.add(OffsetDateTime.ofInstant(Instant.parse(key[1]), ZoneOffset.UTC));
            params.add(count.getValue());
            i++;
        }
        sql.append(" on conflict (event_type, minute) do update set events = processing.traffic_minute.events + excluded.events");
        return executeUpdate(sql.toString(), params).replaceWithVoid();
    }

    Uni<Integer> executeUpdate(String sql, List<Object> params) {
        return session().flatMap(session -> {
            Mutiny.MutationQuery query = session.createNativeQuery(sql);
            for (int i = 0; i < params.size(); i++) {
                query.setParameter(i + 1, params.get(i));
            }
            return query.executeUpdate();
        });
    }

    private static Uni<Mutiny.Session> session() {
        return Panache.getSession();
    }

    static String minute(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MINUTES).toString();
    }

    private String toJson(Map<String, Double> values) {
        try {
            return json.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
