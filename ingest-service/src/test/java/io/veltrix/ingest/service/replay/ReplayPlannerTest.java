package io.veltrix.ingest.service.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.veltrix.ingest.StoredRejection;
import io.veltrix.ingest.mapping.CallType;
import io.veltrix.ingest.repository.ReplayLog.Marker;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayPlannerTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static StoredRejection rejection(String id, String stage, String reason, String eventType, Map<String, String> properties) {
        return new StoredRejection("1:2:3", id, stage, reason, "$", "m", eventType, "e-" + id, "p", "treasure-hunt",
                "k", null, null, "1", Instant.EPOCH, Instant.EPOCH, "json", "{}".getBytes(), properties);
    }

    static Map<String, String> props(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void anEventRejectedSeveralTimesIsOneCandidateItsLatestRejection() {
        ReplayPlanner.Candidates candidates = new ReplayPlanner.Candidates(
                new ReplayPlanner.Filter(Set.of(), Set.of("clue_found"), Set.of()));
        StoredRejection first = rejection("r1", "ingest", "unknown_property", "clue_found", props("scope", "event"));
        StoredRejection again = rejection("r2", "replay", "wrong_type", "clue_found", props("scope", "event", "replay_of", "r1"));
        candidates.offer(first);
        candidates.offer(rejection("r3", "ingest", "wrong_type", "treasure_claimed", props()));   // other type
        candidates.offer(again);
        assertEquals(List.of(again), candidates.list());
        assertEquals(2, candidates.matched());
        assertEquals("r1", ReplayPlanner.root(again));
        assertEquals("r1", ReplayPlanner.root(first));
    }

    @Test
    void theBatchContextKeptOnceIsGivenToTheRequestsOtherRejections() {
        ReplayPlanner.Candidates candidates = new ReplayPlanner.Candidates(
                new ReplayPlanner.Filter(Set.of("wrong_type"), Set.of(), Set.of()));
        // the first record of request q1 (another reason, not a candidate here) carries the context
        candidates.offer(rejection("r1", "ingest", "unknown_property", "clue_found",
                props("scope", "event", "request_id", "q1", "batch_context", "{\"locale\":\"fr-FR\"}")));
        candidates.offer(rejection("r2", "ingest", "wrong_type", "clue_found", props("scope", "event", "request_id", "q1")));
        candidates.offer(rejection("r3", "ingest", "wrong_type", "clue_found", props("scope", "event", "request_id", "q2")));
        List<StoredRejection> list = candidates.list();
        assertEquals("{\"locale\":\"fr-FR\"}", list.get(0).property("batch_context"));
        assertNull(list.get(1).property("batch_context"), "a request without a context keeps none");
    }

    @Test
    void aReplayHoldsAtMostItsLimitOfEventsAndBytesAndCountsTheRest() {
        ReplayPlanner.Candidates byCount = new ReplayPlanner.Candidates(
                new ReplayPlanner.Filter(Set.of(), Set.of(), Set.of()), r -> Optional.empty(), 2, Long.MAX_VALUE);
        for (int i = 0; i < 5; i++) {
            byCount.offer(rejection("c" + i, "ingest", "wrong_type", "clue_found", props("scope", "event")));
        }
        byCount.offer(rejection("c9", "replay", "wrong_type", "clue_found", props("scope", "event", "replay_of", "c4")));
        assertEquals(2, byCount.list().size());
        assertEquals(3, byCount.remaining(), "distinct events left for the next run");
        assertFalse(byCount.memoryBound());

        ReplayPlanner.Candidates byBytes = new ReplayPlanner.Candidates(
                new ReplayPlanner.Filter(Set.of(), Set.of(), Set.of()), r -> Optional.empty(), 100, 5);
        for (int i = 0; i < 5; i++) {
            byBytes.offer(rejection("b" + i, "ingest", "wrong_type", "clue_found", props("scope", "event"))); // 2 bytes each
        }
        assertEquals(2, byBytes.list().size());
        assertEquals(3, byBytes.remaining());
        assertTrue(byBytes.memoryBound());
    }

    @Test
    void settledCandidatesAreDecidedWhileReadingAndNotHeld() {
        ReplayPlanner.Candidates candidates = new ReplayPlanner.Candidates(
                new ReplayPlanner.Filter(Set.of(), Set.of(), Set.of()),
                r -> r.rejectionId().equals("s1") ? Optional.of(ReplayPlanner.Skip.ALREADY_REPLAYED) : Optional.empty(), 1, 1000);
        candidates.offer(rejection("s1", "ingest", "wrong_type", "clue_found", props("scope", "event")));
        candidates.offer(rejection("s2", "ingest", "wrong_type", "clue_found", props("scope", "event")));
        assertEquals(1, candidates.skipped().size());
        assertEquals(List.of("s2"), candidates.list().stream().map(StoredRejection::rejectionId).toList());
        assertEquals(0, candidates.remaining());
    }

    @Test
    void wholeRequestsAndProcessorRejectionsAreNotReplayable() {
        assertFalse(ReplayPlanner.replayable(rejection("a", "ingest", "malformed_json", null, props("scope", "request"))));
        assertFalse(ReplayPlanner.replayable(rejection("b", "ingest", "empty_batch", null, props())));
        assertFalse(ReplayPlanner.replayable(rejection("c", "processor", "undecodable", "clue_found", props())));
        assertTrue(ReplayPlanner.replayable(rejection("d", "ingest", "wrong_type", "clue_found", props())));
        assertTrue(ReplayPlanner.replayable(rejection("e", "replay", "wrong_type", "clue_found", props("scope", "event"))));
        ReplayPlanner.Candidates candidates = new ReplayPlanner.Candidates(
                new ReplayPlanner.Filter(Set.of(), Set.of(), Set.of()));
        candidates.offer(rejection("a", "ingest", "malformed_json", null, props("scope", "request")));
        assertEquals(1, candidates.notReplayable());
        assertTrue(candidates.list().isEmpty());
    }

    @Test
    void whatAnEarlierReplaySettledIsSkipped() {
        Marker accepted = new Marker("r1", "e", "accepted", "2", null, "x", Instant.EPOCH);
        Marker refusedV2 = new Marker("r1", "e", "rejected", "2", "wrong_type", "x", Instant.EPOCH);
        Marker unknownType = new Marker("r1", "e", "rejected", null, "unknown_event_type", "x", Instant.EPOCH);
        assertEquals(Optional.empty(), ReplayPlanner.skip(null, "2", false));
        assertEquals(Optional.of(ReplayPlanner.Skip.ALREADY_REPLAYED), ReplayPlanner.skip(accepted, "3", true));
        assertEquals(Optional.of(ReplayPlanner.Skip.UNCHANGED), ReplayPlanner.skip(refusedV2, "2", false));
        assertEquals(Optional.empty(), ReplayPlanner.skip(refusedV2, "2", true), "force");
        assertEquals(Optional.empty(), ReplayPlanner.skip(refusedV2, "3", false), "a new schema version");
        assertEquals(Optional.of(ReplayPlanner.Skip.UNCHANGED), ReplayPlanner.skip(unknownType, null, false));
        assertEquals(Optional.empty(), ReplayPlanner.skip(unknownType, "1", false), "registered since");
    }

    @Test
    void theStoredEventIsReadWithTheCallTypeItCameWith() throws Exception {
        assertEquals(CallType.IDENTIFY, ReplayPlanner.callType(
                rejection("a", "ingest", "wrong_type", "identify", props("call_type", "identify")), JSON.readTree("{}")));
        assertNull(ReplayPlanner.callType(rejection("b", "ingest", "wrong_type", "clue_found", props()),
                JSON.readTree("{\"type\":\"track\"}")), "a batch event: its own type decides");
        assertEquals(CallType.TRACK, ReplayPlanner.callType(rejection("c", "ingest", "wrong_type", "clue_found", props()),
                JSON.readTree("{\"event\":\"clue_found\"}")));
        assertEquals(CallType.SCREEN, ReplayPlanner.callType(rejection("d", "ingest", "wrong_type", "screen", props()),
                JSON.readTree("{\"name\":\"x\"}")));
    }
}
