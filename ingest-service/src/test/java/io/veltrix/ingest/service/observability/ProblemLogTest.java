package io.veltrix.ingest.service.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProblemLogTest {

    @Test
    void oneLinePerProblemClassWithCountsAndNothingWhenAllWentWell() {
        assertEquals(Optional.empty(), ProblemLog.line(ProblemLog.Problem.EVENTS_REJECTED, Duration.ofMinutes(1), Map.of(), Map.of()));
        Map<String, Long> reasons = new LinkedHashMap<>();
        reasons.put("wrong_type", 12L);
        reasons.put("unknown_property", 30L);
        String line = ProblemLog.line(ProblemLog.Problem.EVENTS_REJECTED, Duration.ofMinutes(1), reasons,
                Map.of("clue_found", 42L)).orElseThrow();
        assertEquals("problem=events_rejected count=42 interval=PT1M by_reason={unknown_property=30, wrong_type=12} "
                + "by_event_type={clue_found=42} details=GET /admin/v1/rejections/summary", line);
    }

    @Test
    void atMostTenKeysThenTheRestSummed() {
        Map<String, Long> many = new LinkedHashMap<>();
        for (int i = 0; i < 15; i++) {
            many.put("k" + (char) ('a' + i), (long) (100 - i));
        }
        String top = ProblemLog.top(many);
        assertTrue(top.startsWith("{ka=100, kb=99,"), top);
        assertTrue(top.endsWith("kj=91, others=440}"), top);
    }

    @Test
    void countsAreTakenOnce() {
        ProblemLog.Counts counts = new ProblemLog.Counts();
        counts.add("wrong_type", "clue_found");
        counts.add("wrong_type", "treasure_claimed");
        Map<String, Long>[] first = counts.drain();
        assertEquals(Map.of("wrong_type", 2L), first[0]);
        assertEquals(Map.of("clue_found", 1L, "treasure_claimed", 1L), first[1]);
        assertTrue(counts.drain()[0].isEmpty());
    }
}
