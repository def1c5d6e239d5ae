package io.veltrix.ingest.service.tracking;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The duplicate window: ids remembered for the window, at most its size, the oldest forgotten first. */
class RecentMessageIdsTest {

    @Test
    void aRememberedIdIsSeenAndAnotherIsNot() {
        RecentMessageIds ids = new RecentMessageIds(Duration.ofMinutes(10).toNanos(), 1_000);
        remember(ids, RecentMessageIds.fingerprint("treasure-hunt", "p-1", "m-1"));
        assertTrue(seen(ids, RecentMessageIds.fingerprint("treasure-hunt", "p-1", "m-1")));
        assertFalse(seen(ids, RecentMessageIds.fingerprint("treasure-hunt", "p-1", "m-2")));
        assertFalse(seen(ids, RecentMessageIds.fingerprint("other-game", "p-1", "m-1")), "per source");
        assertNotEquals(RecentMessageIds.fingerprint("ab", "p-1", "c"), RecentMessageIds.fingerprint("a", "p-1", "bc"));
        assertFalse(seen(ids, RecentMessageIds.fingerprint("treasure-hunt", "p-2", "m-1")), "per player");
        assertNotEquals(RecentMessageIds.fingerprint("s", "p-1", "m"), RecentMessageIds.fingerprint("s", "p-1m", ""));
    }

    @Test
    void aRequestsIdsAreLookedUpAndRememberedTogether() {
        RecentMessageIds ids = new RecentMessageIds(Duration.ofMinutes(10).toNanos(), 40);
        long[] first = new long[30];
        for (int i = 0; i < first.length; i++) {
            first[i] = RecentMessageIds.fingerprint("s", "p-" + i, "m");
        }
        ids.remember(first, 25); // only the first 25 count
        long[] asked = {first[0], first[24], first[25], RecentMessageIds.fingerprint("s", "p-0", "other"), first[3]};
        boolean[] seen = ids.seen(asked, 4); // the last one is not asked
        assertArrayEquals(new boolean[] {true, true, false, false}, seen);
        // more than a segment's room (40 ids in 4 segments) in one call: the oldest segment goes, the newest ids stay
        long[] many = new long[30];
        for (int i = 0; i < many.length; i++) {
            many[i] = RecentMessageIds.fingerprint("s", "q-" + i, "m");
        }
        ids.remember(many, many.length);
        assertArrayEquals(new boolean[] {true, true}, ids.seen(new long[] {many[29], many[20]}, 2));
    }

    @Test
    void idsOlderThanTheWindowAreForgotten() {
        RecentMessageIds ids = new RecentMessageIds(Duration.ofMillis(200).toNanos(), 1_000);
        long id = RecentMessageIds.fingerprint("s", "p-1", "old");
        remember(ids, id);
        assertTrue(seen(ids, id));
        await().atMost(Duration.ofSeconds(5)).until(() -> !seen(ids, id));
    }

    @Test
    void atMostTheSizeIsKeptTheOldestForgottenFirst() {
        RecentMessageIds ids = new RecentMessageIds(Duration.ofHours(1).toNanos(), 1_000);
        for (int i = 0; i < 5_000; i++) {
            remember(ids, RecentMessageIds.fingerprint("s", "p-1", "m-" + i));
        }
        assertFalse(seen(ids, RecentMessageIds.fingerprint("s", "p-1", "m-0")), "the oldest are gone");
        for (int i = 4_900; i < 5_000; i++) {
            assertTrue(seen(ids, RecentMessageIds.fingerprint("s", "p-1", "m-" + i)), "the newest are kept: m-" + i);
        }
    }

    /** One id at a time, as the service asks for a request's ids together. */
    private static boolean seen(RecentMessageIds ids, long fingerprint) {
        return ids.seen(new long[] {fingerprint}, 1)[0];
    }

    private static void remember(RecentMessageIds ids, long fingerprint) {
        ids.remember(new long[] {fingerprint}, 1);
    }
}
