package io.veltrix.ingest.service.tracking;

import io.veltrix.ingest.config.IngestConfig;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import java.util.Arrays;

/**
 * Message ids accepted recently by this instance, so that a client retry is answered {@code duplicate}
 * instead of being published twice. A courtesy, not the guarantee: another instance, or an id older than
 * the window, is still published, and the processor's dedupe (by event id, in the same transaction as the
 * counts) is what makes every event count once.
 *
 * <p>Kept as 64-bit fingerprints of (source, event id) in open-addressing tables of primitive longs, one per quarter of
 * the window: 16 bytes per id instead of about 200 for a cache entry (measured before: 1,000,000 ids in a Caffeine
 * cache were 195 MB of heap, and its upkeep per event showed in the profile). The oldest quarter is dropped as a whole
 * when its time is up, or early when the newest is full: an id is remembered for three quarters of the window at
 * least, the whole window at most. (Four quarters, not ten tenths: a new id is looked up in every one, and each look-up
 * is a cache miss.) Written here rather than taken from a library because no
 * primitive-collection library is on ingest's class path and this is one small table. Two different ids share a
 * fingerprint with a probability of about n²/2^65 (1e-9 for the 200,000 ids of a full window): such an event would
 * be answered duplicate and not published.
 */
@Singleton
public class RecentMessageIds {

    static final int SEGMENTS = 4;
    private static final long EMPTY = 0;

    private final long segmentNanos;
    private final int segmentCapacity;
    private final long[][] tables;
    private final int[] sizes;
    private final long[] startedAt;
    private int current;

    @Inject
    public RecentMessageIds(IngestConfig config) {
        this(config.duplicateWindow().toNanos(), config.duplicateWindowSize());
    }

    RecentMessageIds(long windowNanos, long maxIds) {
        this.segmentNanos = Math.max(1, windowNanos / SEGMENTS);
        this.segmentCapacity = (int) Math.max(16, Math.min(1 << 26, (maxIds + SEGMENTS - 1) / SEGMENTS));
        int tableSize = Integer.highestOneBit(segmentCapacity * 2 - 1) << 1; // at most half full
        this.tables = new long[SEGMENTS][tableSize];
        this.sizes = new int[SEGMENTS];
        this.startedAt = new long[SEGMENTS];
        Arrays.fill(startedAt, System.nanoTime());
    }

    /**
     * The fingerprint of an event: its source, its player and its id (the processor's identity of an event: a retry
     * carries the same player; two players' events with the same messageId are two events).
     */
    public static long fingerprint(String sourceId, String playerId, String eventId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < sourceId.length(); i++) {
            h = (h ^ sourceId.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ 0xffff) * 0x100000001b3L;
        for (int i = 0; i < playerId.length(); i++) {
            h = (h ^ playerId.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ 0xffff) * 0x100000001b3L;
        for (int i = 0; i < eventId.length(); i++) {
            h = (h ^ eventId.charAt(i)) * 0x100000001b3L;
        }
        // splitmix64's finaliser: FNV's low bits alone are weak for a power-of-two table
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h == EMPTY ? 1 : h;
    }

    /**
     * Which of the first {@code count} fingerprints were remembered: a request's events are looked up together, one
     * lock and one expiry check for all, and the table look-ups of consecutive events (each one a cache miss) overlap
     * in the processor instead of queueing behind a lock per event.
     */
    public synchronized boolean[] seen(long[] fingerprints, int count) {
        expire(System.nanoTime());
        boolean[] seen = new boolean[count];
        for (int s = 0; s < SEGMENTS; s++) {
            if (sizes[s] == 0) {
                continue;
            }
            long[] table = tables[s];
            for (int i = 0; i < count; i++) {
                seen[i] = seen[i] || contains(table, fingerprints[i]);
            }
        }
        return seen;
    }

    /** Remembers the first {@code count} fingerprints (a request's persisted events, together). */
    public synchronized void remember(long[] fingerprints, int count) {
        long now = System.nanoTime();
        expire(now);
        for (int i = 0; i < count; i++) {
            if (sizes[current] >= segmentCapacity) {
                rotate(now);
            }
            if (insert(tables[current], fingerprints[i])) {
                sizes[current]++;
            }
        }
    }

    private void expire(long now) {
        if (now - startedAt[current] >= segmentNanos * SEGMENTS) {
            // no traffic for a whole window: everything expired at once
            for (int s = 0; s < SEGMENTS; s++) {
                Arrays.fill(tables[s], EMPTY);
                sizes[s] = 0;
                startedAt[s] = now;
            }
            return;
        }
        while (now - startedAt[current] >= segmentNanos) {
            rotate(startedAt[current] + segmentNanos > now ? now : startedAt[current] + segmentNanos);
        }
    }

    /** The next segment becomes the current one, emptied: what it held is older than the window. */
    private void rotate(long now) {
        current = (current + 1) % SEGMENTS;
        Arrays.fill(tables[current], EMPTY);
        sizes[current] = 0;
        startedAt[current] = now;
        // a long pause (no traffic for a whole window) expires everything at once
        for (int s = 0; s < SEGMENTS; s++) {
            if (s != current && now - startedAt[s] >= segmentNanos * SEGMENTS) {
                Arrays.fill(tables[s], EMPTY);
                sizes[s] = 0;
                startedAt[s] = now;
            }
        }
    }

    private static boolean contains(long[] table, long fingerprint) {
        int mask = table.length - 1;
        for (int i = (int) fingerprint & mask; ; i = (i + 1) & mask) {
            long slot = table[i];
            if (slot == fingerprint) {
                return true;
            }
            if (slot == EMPTY) {
                return false;
            }
        }
    }

    private static boolean insert(long[] table, long fingerprint) {
        int mask = table.length - 1;
        for (int i = (int) fingerprint & mask; ; i = (i + 1) & mask) {
            long slot = table[i];
            if (slot == fingerprint) {
                return false;
            }
            if (slot == EMPTY) {
                table[i] = fingerprint;
                return true;
            }
        }
    }
}
