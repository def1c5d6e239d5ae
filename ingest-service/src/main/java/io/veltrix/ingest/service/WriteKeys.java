package io.veltrix.ingest.service;

import io.veltrix.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Maps a write key to its source. Keys come from configuration (environment, Secret), never from code. */
@ApplicationScoped
public class WriteKeys {

    /** A known write key: its id (safe to log and store) and the source (game) it belongs to. */
    public record WriteKey(String id, String source) {
    }

    private final Map<String, WriteKey> byKey;

    public WriteKeys(IngestConfig config) {
        this.byKey = config.writeKeys().entrySet().stream().collect(Collectors.toUnmodifiableMap(
                e -> e.getValue().key(), e -> new WriteKey(e.getKey(), e.getValue().source())));
    }

    /** The write key matching {@code secret}, compared in constant time. */
    public Optional<WriteKey> find(String secret) {
        if (secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        byte[] given = secret.getBytes(StandardCharsets.UTF_8);
        WriteKey found = null;
        for (Map.Entry<String, WriteKey> entry : byKey.entrySet()) {
            if (MessageDigest.isEqual(entry.getKey().getBytes(StandardCharsets.UTF_8), given)) {
                found = entry.getValue();
            }
        }
        return Optional.ofNullable(found);
    }
}
