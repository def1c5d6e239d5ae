package io.veltrix.ingest.service.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.veltrix.ingest.StoredRejection;
import io.veltrix.ingest.mapping.CallType;
import io.veltrix.ingest.mapping.Reasons;
import io.veltrix.ingest.repository.ReplayLog.Marker;
import io.veltrix.schemas.rejection.RejectedEvents;
import io.veltrix.schemas.rejection.Rejection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.function.Function;
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

    /** A candidate an earlier replay settled: not validated again. */
    record Skipped(StoredRejection rejection, Skip skip) {
    }

    /**
     * The candidates of one replay: the latest matching rejection of each root, in order of first appearance, held in
     * memory only up to {@code maxRoots} roots and {@code maxBytes} bytes of payloads (what is past either is counted
     * in {@link #remaining()}, for the next run). Candidates an earlier replay settled are decided while reading (the
     * {@code skip} function) and not held. Batch contexts, kept once per request on its first record, are held while
     * reading (at most {@link #MAX_CONTEXT_BYTES}) and given to the request's other records.
     */
    static final class Candidates {
        /** Bytes of batch contexts held at most while reading. */
        static final long MAX_CONTEXT_BYTES = 16L << 20;

        private final Filter filter;
        private final Function<StoredRejection, Optional<Skip>> skip;
        private final int maxRoots;
        private final long maxBytes;
        private final Map<String, StoredRejection> byRoot = new LinkedHashMap<>();
        private final Map<String, Skip> skippedRoots = new HashMap<>();
        private final List<Skipped> skipped = new ArrayList<>();
        private final Set<String> remainingRoots = new HashSet<>();
        private final LinkedHashMap<String, String> contexts = new LinkedHashMap<>();
        private long contextBytes;
        private long bytes;
        private boolean memoryBound;
        private long matched;
        private long notReplayable;

        Candidates(Filter filter) {
            this(filter, r -> Optional.empty(), Integer.MAX_VALUE, Long.MAX_VALUE);
        }

        Candidates(Filter filter, Function<StoredRejection, Optional<Skip>> skip, int maxRoots, long maxBytes) {
            this.filter = filter;
            this.skip = skip;
            this.maxRoots = maxRoots;
            this.maxBytes = maxBytes;
        }

        void offer(StoredRejection r) {
            rememberContext(r);
            if (!filter.matches(r)) {
                return;
            }
            matched++;
            if (!replayable(r)) {
                notReplayable++;
                return;
            }
            String root = root(r);
            if (skippedRoots.containsKey(root) || remainingRoots.contains(root)) {
                return;
            }
            StoredRejection held = byRoot.get(root);
            if (held == null) {
                Optional<Skip> settled = skip.apply(r);
                if (settled.isPresent()) {
                    skippedRoots.put(root, settled.get());
                    skipped.add(new Skipped(r, settled.get()));
                    return;
                }
                if (byRoot.size() >= maxRoots || bytes + r.payload().length > maxBytes) {
                    memoryBound |= bytes + r.payload().length > maxBytes;
                    remainingRoots.add(root);
                    return;
                }
            } else {
                bytes -= held.payload().length;
            }
            StoredRejection withContext = withContext(r);
            bytes += withContext.payload().length;
            byRoot.put(root, withContext);
        }

        /** A request's first record carries its batch context; the others name the request. */
        private void rememberContext(StoredRejection r) {
            String request = r.property(RejectedEvents.PROP_REQUEST_ID);
            String context = r.property(RejectedEvents.PROP_BATCH_CONTEXT);
            if (request == null || context == null || contexts.containsKey(request)) {
                return;
            }
            contexts.put(request, context);
            contextBytes += context.length();
            var eldest = contexts.entrySet().iterator();
            while (contextBytes > MAX_CONTEXT_BYTES && eldest.hasNext()) {
                contextBytes -= eldest.next().getValue().length();
                eldest.remove();
            }
        }

        private StoredRejection withContext(StoredRejection r) {
            String request = r.property(RejectedEvents.PROP_REQUEST_ID);
            if (request == null || r.property(RejectedEvents.PROP_BATCH_CONTEXT) != null || !contexts.containsKey(request)) {
                return r;
            }
            Map<String, String> properties = new HashMap<>(r.properties());
            properties.put(RejectedEvents.PROP_BATCH_CONTEXT, contexts.get(request));
            return new StoredRejection(r.pulsarId(), r.rejectionId(), r.stage(), r.reason(), r.path(), r.message(),
                    r.eventType(), r.eventId(), r.playerId(), r.sourceId(), r.writeKeyId(), r.libraryName(),
                    r.libraryVersion(), r.schemaVersion(), r.receivedAt(), r.rejectedAt(), r.payloadFormat(), r.payload(),
                    Map.copyOf(properties));
        }

        List<StoredRejection> list() {
            return List.copyOf(byRoot.values());
        }

        /** Candidates an earlier replay settled, in order. */
        List<Skipped> skipped() {
            return skipped;
        }

        /** Distinct events past the limits of this run. */
        long remaining() {
            return remainingRoots.size();
        }

        /** Whether the byte limit (rather than the count) stopped the collection. */
        boolean memoryBound() {
            return memoryBound;
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
        String of = r.property(RejectedEvents.PROP_REPLAY_OF);
        return of != null && !of.isBlank() ? of : r.rejectionId();
    }

    /** Only events refused at ingest or on replay, kept as the client sent them, can be validated again. */
    static boolean replayable(StoredRejection r) {
        boolean stage = Rejection.Stage.INGEST.symbol().equals(r.stage()) || Rejection.Stage.REPLAY.symbol().equals(r.stage());
        boolean event = RejectedEvents.SCOPE_EVENT.equals(r.property(RejectedEvents.PROP_SCOPE))
                || (r.property(RejectedEvents.PROP_SCOPE) == null && !REQUEST_REASONS.contains(r.reason()));
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
        Optional<CallType> endpoint = Optional.ofNullable(r.property(RejectedEvents.PROP_CALL_TYPE)).flatMap(CallType::of);
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
