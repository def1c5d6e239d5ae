package io.veltrix.ingest.service.catalog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The schema each event type is validated against: the latest version in Apicurio, re-read at most every
 * {@code veltrix.ingest.schema-refresh} (a newly registered version or event type is used after at most that long,
 * without a restart).
 *
 * <p>The catalogue of event types is the list of artifacts of the events group, read with one registry call per
 * refresh: a name that is not in it is answered at once, without a registry call (a request of 50,000 distinct
 * made-up names costs nothing). Versions are read only for event types of the catalogue, so what is held is bounded
 * by what the registry holds. Lookups on the request path are map reads: what is due for a refresh is answered with
 * what was read last while ONE background read per artifact (and one for the catalogue) asks the registry. Before,
 * every request that found an entry due made its own registry call on its own thread: after an idle period, and
 * every refresh interval under load, tens of requests at once waited on the registry (request latency spikes of up to
 * 2 s in the benchmark). Only the very first look-up of an artifact waits for the registry (the callers of that
 * moment wait for the same read). When the registry cannot be reached, the versions read last stay in use (readiness
 * reports the registry down); without any, the lookup fails ({@link CodecException}, answered 503). The first
 * look-up blocks: call from a worker thread.
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
    /** The artifacts (and {@link #LISTING}) whose background refresh is under way. */
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final Executor refresher;
    private volatile Listing listing;
    private volatile Versioned rejection;

    private final Counter listings;
    private final Counter versionReads;

    public SchemaCatalog(RegistryCodec codec, IngestConfig config, MeterRegistry registry) {
        this.codec = codec;
        this.refreshNanos = config.schemaRefresh().toNanos();
        this.refresher = Infrastructure.getDefaultWorkerPool();
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
        Versioned known = latest.get(artifactId);
        if (known != null) {
            if (System.nanoTime() - known.readAt() >= refreshNanos) {
                String id = artifactId;
                inBackground(id, () -> latest.put(id, readVersion(id)));
            }
            return known.schema();
        }
        // the first look-up: the callers of this moment wait for one read
        return latest.computeIfAbsent(artifactId, this::readVersion).schema();
    }

    private Versioned readVersion(String artifactId) {
        versionReads.increment();
        long now = System.nanoTime();
        return new Versioned(codec.latest(EventCatalog.EVENTS_GROUP, artifactId), now);
    }

    /** Runs a refresh on a worker thread unless one for the same key is under way; a failed one keeps what was read. */
    private void inBackground(String key, Runnable refresh) {
        if (!refreshing.add(key)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    refresh.run();
                } catch (RuntimeException e) {
                    // the registry is away or answered badly: the entry read last stays in use, and is due again at the
                    // next look-up (readiness and the codec's metrics report the registry)
                    Log.debugf("schema refresh of %s failed: %s", key, e);
                } finally {
                    refreshing.remove(key);
                }
            });
        } catch (RuntimeException e) {
            refreshing.remove(key);
        }
    }

    private static final String LISTING = "<catalogue>";

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
        Versioned known = rejection;
        if (known != null) {
            if (System.nanoTime() - known.readAt() >= refreshNanos) {
                inBackground(RejectedEvents.GROUP + "/" + RejectedEvents.ARTIFACT, () -> rejection = readRejection());
            }
            return known.schema();
        }
        Versioned read = readRejection();
        rejection = read;
        return read.schema();
    }

    private Versioned readRejection() {
        long now = System.nanoTime();
        return new Versioned(codec.latest(RejectedEvents.GROUP, RejectedEvents.ARTIFACT), now);
    }

    private Listing listing() {
        Listing current = listing;
        if (current != null) {
            if (System.nanoTime() - current.readAt() >= refreshNanos) {
                inBackground(LISTING, this::readListing);
            }
            return current;
        }
        return readListing();
    }

    /** Reads the catalogue (one reader at a time; a caller that finds a fresh one read meanwhile takes it). */
    private Listing readListing() {
        Listing current = listing;
        listingLock.lock();
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
