package io.veltrix.ingest.service.catalog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.codec.RegisteredSchema;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.schemas.rejection.RejectedEvents;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The schema each event type is validated against: the latest version in Apicurio, re-read at most every
 * {@code veltrix.ingest.schema-refresh} (a newly registered version or event type is used after at most that long,
 * without a restart).
 *
 * <p>The catalogue of event types is the list of artifacts of the events group, read with one registry call per
 * refresh: a name that is not in it is answered at once, without a registry call (a request of 50,000 distinct
 * made-up names costs nothing). Versions are read only for event types of the catalogue, so what is held is bounded
 * by what the registry holds. Lookups on the request path are map reads. When the registry cannot be reached, the
 * versions read last stay in use (readiness reports the registry down); without any, the lookup fails
 * ({@link CodecException}, answered 503). Blocking on a refresh: call from a worker thread.
 */
@Singleton
public class SchemaCatalog {

    /** Artifacts listed per refresh at most. */
    static final int MAX_EVENT_TYPES = 10_000;

    private record Versioned(Optional<RegisteredSchema> schema, long readAt) {
    }

    private record Listing(Set<String> artifactIds, long readAt) {
    }

    private final RegistryCodec codec;
    private final long refreshNanos;
    private final Map<String, Versioned> latest = new ConcurrentHashMap<>();
    private final Map<String, String> artifactIds = new ConcurrentHashMap<>();
    private final ReentrantLock listingLock = new ReentrantLock();
    private volatile Listing listing;
    private volatile Versioned rejection;

    private final Counter listings;
    private final Counter versionReads;

    public SchemaCatalog(RegistryCodec codec, IngestConfig config, MeterRegistry registry) {
        this.codec = codec;
        this.refreshNanos = config.schemaRefresh().toNanos();
        this.listings = Counter.builder("veltrix.ingest.registry.reads").tag("what", "catalogue")
                .description("Calls to the schema registry by the validation path").register(registry);
        this.versionReads = Counter.builder("veltrix.ingest.registry.reads").tag("what", "version")
                .description("Calls to the schema registry by the validation path").register(registry);
    }

    /** The latest version of an event type's schema; empty when the catalogue has no such event type. */
    public Optional<RegisteredSchema> latest(String eventType) {
        String artifactId = artifactIds.get(eventType);
        if (artifactId == null) {
            artifactId = EventCatalog.artifactId(eventType);
            if (artifactIds.size() < MAX_EVENT_TYPES) {
                artifactIds.put(eventType, artifactId);
            }
        }
        if (!listing().artifactIds().contains(artifactId)) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        Versioned known = latest.get(artifactId);
        if (known != null && now - known.readAt() < refreshNanos) {
            return known.schema();
        }
        try {
            versionReads.increment();
            Versioned read = new Versioned(codec.latest(EventCatalog.EVENTS_GROUP, artifactId), now);
            latest.put(artifactId, read);
            return read.schema();
        } catch (CodecException e) {
            if (known != null && e.kind() == CodecException.Kind.REGISTRY_UNAVAILABLE) {
                return known.schema();
            }
            throw e;
        }
    }

    /** The latest version now, bypassing the catalogue (a replay validates against what the registry holds now). */
    public Optional<RegisteredSchema> fresh(String eventType) {
        return codec.latest(EventCatalog.EVENTS_GROUP, EventCatalog.artifactId(eventType));
    }

    /** Forgets what was read: the next look-ups ask the registry. */
    public void forget() {
        latest.clear();
        listing = null;
        rejection = null;
    }

    /** The latest version of the events.rejected record. */
    public Optional<RegisteredSchema> latestRejection() {
        long now = System.nanoTime();
        Versioned known = rejection;
        if (known != null && now - known.readAt() < refreshNanos) {
            return known.schema();
        }
        try {
            Versioned read = new Versioned(codec.latest(RejectedEvents.GROUP, RejectedEvents.ARTIFACT), now);
            rejection = read;
            return read.schema();
        } catch (CodecException e) {
            if (known != null && e.kind() == CodecException.Kind.REGISTRY_UNAVAILABLE) {
                return known.schema();
            }
            throw e;
        }
    }

    private Listing listing() {
        Listing current = listing;
        long now = System.nanoTime();
        if (current != null && now - current.readAt() < refreshNanos) {
            return current;
        }
        // one thread re-reads; the others go on with the list they have (or wait for the first one)
        if (current != null && !listingLock.tryLock()) {
            return current;
        }
        if (current == null) {
            listingLock.lock();
        }
        try {
            Listing again = listing;
            if (again != null && System.nanoTime() - again.readAt() < refreshNanos) {
                return again;
            }
            listings.increment();
            Listing read = new Listing(Set.copyOf(codec.artifactIds(EventCatalog.EVENTS_GROUP, MAX_EVENT_TYPES)), System.nanoTime());
            listing = read;
            return read;
        } catch (CodecException e) {
            if (current != null && e.kind() == CodecException.Kind.REGISTRY_UNAVAILABLE) {
                return current;
            }
            throw e;
        } finally {
            listingLock.unlock();
        }
    }
}
