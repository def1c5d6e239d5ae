package io.veltrix.ingest.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.veltrix.ingest.StoredRejection;
import io.veltrix.ingest.mapping.CallType;
import io.veltrix.ingest.mapping.Reasons;
import io.veltrix.ingest.messaging.RejectionProperties;
import io.veltrix.ingest.repository.ReplayLog.Marker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of a replay, without Pulsar: which rejections are candidates, which of them an earlier replay
 * already settled, and how to read a stored event again.
 *
 * <p>An event may be rejected several times (at ingest, then by each replay that still refused it). All its
 * rejections share a <em>root</em>: the id of its first rejection (a replay's rejection names it in the
 * property {@code replay_of}). A replay handles each root once, with the latest of its rejections in the
 * window, and consults the root's latest marker on {@code events.replays}:
 * <ul>
 *   <li>accepted or duplicate: already replayed, skipped (never published twice);</li>
 *   <li>rejected against the schema version that is the latest now: nothing changed since, skipped (no new
 *       rejection record) unless {@code force};</li>
 *   <li>otherwise (no marker, or the schema changed): validated again.</li>
 * </ul>
 */
final class ReplayPlanner {

    /** Reasons that refuse a whole request: their payload is a request body, not an event. */
    static final Set<String> REQUEST_REASONS = Set.of(Reasons.MALFORMED_JSON, Reasons.MALFORMED_GZIP,
            Reasons.UNSUPPORTED_ENCODING, Reasons.REQUEST_TOO_LARGE, Reasons.EMPTY_BATCH, Reasons.INVALID_REQUEST,
            Reasons.UNAUTHORIZED);

    /** Why a candidate is not validated again. */
    enum Skip {
        ALREADY_REPLAYED("skipped_already_replayed"),
        UNCHANGED("skipped_unchanged");

        final String status;

        Skip(String status) {
            this.status = status;
        }
    }

    /**
     * What to replay: empty sets match everything.
     */
    record Filter(Set<String> reasons, Set<String> eventTypes, Set<String> sourceIds) {

        boolean matches(StoredRejection r) {
            return (reasons.isEmpty() || reasons.contains(r.reason()))
                    && (eventTypes.isEmpty() || eventTypes.contains(r.eventType()))
                    && (sourceIds.isEmpty() || sourceIds.contains(r.sourceId()));
        }
    }

    /** The candidates of one replay: the latest matching rejection of each root, in order of first appearance. */
    static final class Candidates {
        private final Filter filter;
        private final Map<String, StoredRejection> byRoot = new LinkedHashMap<>();
        private long matched;
        private long notReplayable;

        Candidates(Filter filter) {
            this.filter = filter;
        }

        void offer(StoredRejection r) {
            if (!filter.matches(r)) {
                return;
            }
            matched++;
            if (!replayable(r)) {
                notReplayable++;
                return;
            }
            byRoot.put(root(r), r);
        }

        List<StoredRejection> list() {
            return List.copyOf(byRoot.values());
        }

        long matched() {
            return matched;
        }

        long notReplayable() {
            return notReplayable;
        }
    }

    private ReplayPlanner() {
    }

    /** The id of the event's first rejection. */
    static String root(StoredRejection r) {
        String of = r.property(RejectionProperties.REPLAY_OF);
        return of != null && !of.isBlank() ? of : r.rejectionId();
    }

    /** Only events refused at ingest or on replay, kept as the client sent them, can be validated again. */
    static boolean replayable(StoredRejection r) {
        boolean stage = RejectionRecords.STAGE_INGEST.equals(r.stage()) || RejectionRecords.STAGE_REPLAY.equals(r.stage());
        boolean event = RejectionProperties.SCOPE_EVENT.equals(r.property(RejectionProperties.SCOPE))
                || (r.property(RejectionProperties.SCOPE) == null && !REQUEST_REASONS.contains(r.reason()));
        return stage && event && "json".equals(r.payloadFormat()) && r.rejectionId() != null;
    }

    /** Whether (and why) a candidate is not validated again, given its root's latest marker. */
    static Optional<Skip> skip(Marker marker, String currentSchemaVersion, boolean force) {
        if (marker == null) {
            return Optional.empty();
        }
        if (!"rejected".equals(marker.outcome())) {
            return Optional.of(Skip.ALREADY_REPLAYED);
        }
        if (!force && Objects.equals(marker.schemaVersion(), currentSchemaVersion)) {
            return Optional.of(Skip.UNCHANGED);
        }
        return Optional.empty();
    }

    /**
     * The call type to read the stored event with: the single-event endpoint it came through, else its own
     * {@code type} (a batch event), else what its event type says.
     */
    static CallType callType(StoredRejection r, JsonNode event) {
        Optional<CallType> endpoint = Optional.ofNullable(r.property(RejectionProperties.CALL_TYPE)).flatMap(CallType::of);
        if (endpoint.isPresent()) {
            return endpoint.get();
        }
        if (event != null && event.hasNonNull("type")) {
            return null; // a batch event: its own type decides, as it did the first time
        }
        if (r.eventType() != null) {
            return CallType.of(r.eventType()).orElse(CallType.TRACK);
        }
        return event != null && event.has("event") ? CallType.TRACK : null;
    }
}
