package io.veltrix.experiments;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import org.hibernate.annotations.Immutable;

/**
 * Live traffic: events per type and minute, as counted by the processor. Read-only here: the table belongs
 * to the processor (read contract {@code processing.traffic_minute}).
 */
@Entity
@Immutable
@Table(schema = "processing", name = "traffic_minute")
@IdClass(TrafficMinute.Key.class)
public class TrafficMinute extends PanacheEntityBase {

    @Id
    @Column(name = "event_type")
    public String eventType;

    @Id
    @Column(name = "minute")
    public OffsetDateTime minute;

    @Column(name = "events")
    public long events;

    /** Composite key. */
    public static class Key implements Serializable {
        public String eventType;
        public OffsetDateTime minute;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(eventType, k.eventType) && Objects.equals(minute, k.minute);
        }

        @Override
        public int hashCode() {
            return Objects.hash(eventType, minute);
        }
    }
}
