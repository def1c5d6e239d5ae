package io.veltrix.processor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.processor.repository.RetentionRepository.Partition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which partitions the retention job creates: the gaps of the covered range, aligned to the width. */
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
}
