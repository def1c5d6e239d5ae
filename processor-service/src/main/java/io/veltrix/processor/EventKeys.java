package io.veltrix.processor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The dedupe key of an event: the first 128 bits of SHA-256 over {@code <UTF-8 length of source>:<source><event id>}
 * (the length prefix keeps the pair unambiguous), stored as a {@code uuid}. 16 bytes per event instead of the two
 * texts; the same function exists in SQL as {@code processing.event_key(source_id, event_id)} (migration V4), so an
 * operator can look an event up by its messageId. A collision needs about 2^64 events.
 */
public final class EventKeys {

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    private EventKeys() {
    }

    public static UUID of(String sourceId, String eventId) {
        byte[] source = sourceId.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (source.length + ":").getBytes(StandardCharsets.US_ASCII);
        MessageDigest digest = SHA_256.get();
        digest.update(prefix);
        digest.update(source);
        digest.update(eventId.getBytes(StandardCharsets.UTF_8));
        ByteBuffer hash = ByteBuffer.wrap(digest.digest());
        return new UUID(hash.getLong(), hash.getLong());
    }
}
