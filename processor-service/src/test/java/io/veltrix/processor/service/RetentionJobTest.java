package io.veltrix.processor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.veltrix.processor.repository.EventLogRepository.Elsewhere;

import io.veltrix.processor.repository.RetentionRepository.Partition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which partitions the retention job creates: the gaps of the covered range, aligned to the width. Where else than
 * in its own partition a copy of an event may lie.
 */
class RetentionJobTest {

    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;

    @Test
    void fillsTheGapsAlignedToTheWidth() {
        List<Partition> existing = List.of(new Partition("a", 2 * DAY, 3 * DAY), new Partition("b", 5 * DAY, 6 * DAY));
        List<long[]> missing = RetentionJob.missing(existing, DAY, 7 * DAY, DAY, 100);
        assertEquals(List.of("1-2", "3-4", "4-5", "6-7"), missing.stream().map(r -> r[0] / DAY + "-" + r[1] / DAY).toList());
    }

    @Test
    void aNarrowerWidthStartsWhereTheWiderPartitionsEnd() {
        // daily partitions made by the migration, then hourly ones: no overlap, no gap
        List<Partition> existing = List.of(new Partition("day", 0, DAY));
        List<long[]> missing = RetentionJob.missing(existing, 0, DAY + 3 * HOUR + 1, HOUR, 100);
        assertEquals(List.of(DAY, DAY + HOUR, DAY + 2 * HOUR, DAY + 3 * HOUR),
                missing.stream().map(r -> r[0]).toList());
        assertEquals(DAY + 4 * HOUR, missing.get(3)[1]);
    }

    @Test
    void aGapShorterThanTheWidthEndsAtTheNextPartition() {
        List<Partition> existing = List.of(new Partition("early", 0, HOUR / 2), new Partition("late", HOUR, 2 * HOUR));
        List<long[]> missing = RetentionJob.missing(existing, 0, 2 * HOUR, HOUR, 100);
        assertEquals(1, missing.size());
        assertEquals(HOUR / 2, missing.get(0)[0]);
        assertEquals(HOUR, missing.get(0)[1]);
    }

    @Test
    void createsAtMostTheLimitPerRun() {
        assertEquals(3, RetentionJob.missing(List.of(), 0, 10 * HOUR, HOUR, 3).size());
    }

    private static final List<Partition> DAYS = List.of(new Partition("d1", DAY, 2 * DAY), new Partition("d2", 2 * DAY, 3 * DAY));

    @Test
    void anEventFarFromItsPartitionsBoundsHasCopiesInItsOwnPartitionOnly() {
        assertNull(RetentionJob.elsewhere(DAYS, DAY + 12 * HOUR, HOUR));
        assertNull(RetentionJob.elsewhere(DAYS, DAY + HOUR, HOUR), "an hour after the boundary: beyond the tolerance");
    }

    @Test
    void justBeforeMidnightTheNextPartitionUpToTheToleranceIsLookedIn() {
        long t = 2 * DAY - 2_000;
        assertEquals(new Elsewhere(null, null, 2 * DAY, t + HOUR), RetentionJob.elsewhere(DAYS, t, HOUR));
        assertEquals(new Elsewhere(null, null, 2 * DAY, 2 * DAY), RetentionJob.elsewhere(DAYS, 2 * DAY - HOUR, HOUR),
                "exactly the tolerance before the boundary (as nearBoundary says): a copy at the boundary itself");
    }

    @Test
    void justAfterMidnightThePreviousPartitionFromTheToleranceOnIsLookedIn() {
        long t = 2 * DAY + 3_000;
        assertEquals(new Elsewhere(t - HOUR, 2 * DAY, null, null), RetentionJob.elsewhere(DAYS, t, HOUR));
    }

    @Test
    void aPartitionNarrowerThanTwiceTheToleranceHasNeighboursOnBothSides() {
        List<Partition> short15s = List.of(new Partition("a", 0, 15_000), new Partition("b", 15_000, 30_000),
                new Partition("c", 30_000, 45_000));
        assertEquals(new Elsewhere(12_000L, 15_000L, 30_000L, 32_000L), RetentionJob.elsewhere(short15s, 22_000, 10_000));
    }

    @Test
    void aTimeNoKnownPartitionHoldsIsLookedForAroundItEverywhere() {
        long t = 5 * DAY;
        assertEquals(new Elsewhere(t - HOUR, t + HOUR + 1, null, null), RetentionJob.elsewhere(DAYS, t, HOUR));
        assertEquals(new Elsewhere(-HOUR, HOUR + 1, null, null), RetentionJob.elsewhere(List.of(), 0, HOUR));
    }
}
