package io.veltrix.ingest.service.writekey;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.veltrix.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Maps a write key to its source. Keys come from configuration ({@code veltrix.ingest.write-keys.<id>.*}: the
 * environment, a Secret) and from an optional write-keys file ({@code veltrix.ingest.write-keys-file}) that is
 * checked every {@code veltrix.ingest.write-keys-file-refresh} and re-read when its content changed: a key is
 * added, rotated or revoked by editing the file (or the Secret mounted there), without a rebuild or restart.
 *
 * <p>A file that cannot be read or parsed changes nothing: the keys in use stay, and one WARN line says why
 * (once per distinct content). Keys are never logged, only their ids.
 */
@Startup
@ApplicationScoped
public class WriteKeys {

    /** A known write key: its id (safe to log and store) and the source (game) it belongs to. */
    public record WriteKey(String id, String source) {
    }

    private final Map<String, WriteKeysFile.Entry> configured;
    private final Optional<Path> file;
    private final MeterRegistry registry;
    private volatile Map<String, WriteKey> byKey;
    private volatile String loadedFingerprint;
    private volatile String refusedFingerprint;

    public WriteKeys(IngestConfig config, MeterRegistry registry) {
        Map<String, WriteKeysFile.Entry> fromConfig = new TreeMap<>();
        config.writeKeys().forEach((id, key) -> fromConfig.put(id, new WriteKeysFile.Entry(key.key(), key.source())));
        this.configured = Map.copyOf(fromConfig);
        this.file = config.writeKeysFile().map(p -> p.toAbsolutePath().normalize());
        this.registry = registry;
        this.byKey = index(configured, Map.of());
        registry.gauge("veltrix.ingest.write_keys", this, keys -> keys.byKey.size());
        refresh();
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

    /** Re-reads the write-keys file when its content changed. */
    @Scheduled(every = "${veltrix.ingest.write-keys-file-refresh}", delayed = "${veltrix.ingest.write-keys-file-refresh}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void refresh() {
        if (file.isEmpty()) {
            return;
        }
        Path path = file.get();
        String content;
        try {
            content = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            refuse("missing", "the write-keys file " + path + " does not exist: keeping the "
                    + byKey.size() + " keys in use");
            return;
        } catch (IOException e) {
            refuse("unreadable:" + e.getMessage(), "the write-keys file " + path + " cannot be read (" + e.getMessage()
                    + "): keeping the " + byKey.size() + " keys in use");
            return;
        }
        String fingerprint = sha256(content);
        if (fingerprint.equals(loadedFingerprint)) {
            refusedFingerprint = null;
            return;
        }
        Map<String, WriteKeysFile.Entry> fromFile;
        try {
            fromFile = WriteKeysFile.parse(content);
        } catch (IllegalArgumentException e) {
            refuse(fingerprint, "the write-keys file " + path + " is refused (" + e.getMessage() + "): keeping the "
                    + byKey.size() + " keys in use");
            return;
        }
        Map<String, WriteKey> next;
        try {
            next = index(configured, fromFile);
        } catch (IllegalArgumentException e) {
            refuse(fingerprint, "the write-keys file " + path + " is refused (" + e.getMessage() + "): keeping the "
                    + byKey.size() + " keys in use");
            return;
        }
        byKey = next;
        loadedFingerprint = fingerprint;
        refusedFingerprint = null;
        registry.counter("veltrix.ingest.write_keys.reloads", "result", "loaded").increment();
        Log.infof("write keys loaded from %s: %d in use, ids %s", path, next.size(),
                next.values().stream().map(WriteKey::id).sorted().toList());
    }

    private void refuse(String fingerprint, String message) {
        registry.counter("veltrix.ingest.write_keys.reloads", "result", "refused").increment();
        if (!fingerprint.equals(refusedFingerprint)) {
            refusedFingerprint = fingerprint;
            Log.warn(message);
        }
    }

    /** Secret → key; a key id of the file replaces the same id of the configuration. */
    static Map<String, WriteKey> index(Map<String, WriteKeysFile.Entry> configured, Map<String, WriteKeysFile.Entry> fromFile) {
        Map<String, WriteKeysFile.Entry> merged = new TreeMap<>(configured);
        merged.putAll(fromFile);
        Map<String, WriteKey> byKey = new HashMap<>();
        merged.forEach((id, entry) -> {
            WriteKey previous = byKey.put(entry.key(), new WriteKey(id, entry.source()));
            if (previous != null) {
                throw new IllegalArgumentException("key ids '" + previous.id() + "' and '" + id + "' have the same key");
            }
        });
        return Map.copyOf(byKey);
    }

    private static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
