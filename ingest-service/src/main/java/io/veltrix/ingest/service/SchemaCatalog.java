package io.veltrix.ingest.service;

import io.quarkus.cache.CacheInvalidateAll;
import io.quarkus.cache.CacheResult;
import io.veltrix.schemas.EventCatalog;
import io.veltrix.schemas.codec.RegisteredSchema;
import io.veltrix.schemas.codec.RegistryCodec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The schema each event type is validated against: the latest version in Apicurio, cached for
 * {@code veltrix.ingest.schema-refresh} (a newly registered version is used after at most that long, without
 * a restart). Unknown event types are cached too, so a flood of them does not flood the registry.
 * Blocking: call from a worker thread.
 */
@ApplicationScoped
public class SchemaCatalog {

    static final String CACHE = "event-schemas";

    private final RegistryCodec codec;

    public SchemaCatalog(RegistryCodec codec) {
        this.codec = codec;
    }

    @CacheResult(cacheName = CACHE)
    public Optional<RegisteredSchema> latest(String eventType) {
        return codec.latest(EventCatalog.EVENTS_GROUP, EventCatalog.artifactId(eventType));
    }

    /** The latest version now, bypassing the cache (a replay validates against what the registry holds now). */
    public Optional<RegisteredSchema> fresh(String eventType) {
        return codec.latest(EventCatalog.EVENTS_GROUP, EventCatalog.artifactId(eventType));
    }

    /** Forgets every cached version: the next look-ups ask the registry. */
    @CacheInvalidateAll(cacheName = CACHE)
    public void forget() {
        // the interceptor does the work
    }

    @CacheResult(cacheName = CACHE)
    public Optional<RegisteredSchema> latestRejection() {
        return codec.latest(EventCatalog.PIPELINE_GROUP, "RejectedEvent");
    }
}
