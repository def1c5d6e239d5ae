package io.veltrix.ingest.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.veltrix.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Message ids accepted recently by this instance, so that a client retry is answered {@code duplicate}
 * instead of being published twice. A courtesy, not the guarantee: another instance, or an id older than
 * the window, is still published, and the processor's dedupe (by event id, in the same transaction as the
 * counts) is what makes every event count once.
 */
@ApplicationScoped
public class RecentMessageIds {

    private final Cache<String, Boolean> accepted;

    public RecentMessageIds(IngestConfig config) {
        this.accepted = Caffeine.newBuilder()
                .expireAfterWrite(config.duplicateWindow())
                .maximumSize(config.duplicateWindowSize())
                .build();
    }

    public boolean seen(String key) {
        return accepted.getIfPresent(key) != null;
    }

    public void remember(String key) {
        accepted.put(key, Boolean.TRUE);
    }
}
