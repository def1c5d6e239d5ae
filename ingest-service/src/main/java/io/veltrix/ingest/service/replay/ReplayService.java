package io.veltrix.ingest.service.replay;

import io.veltrix.ingest.service.RequestRefusedException;
import io.veltrix.ingest.service.catalog.SchemaCatalog;
import io.veltrix.ingest.service.observability.IngestMetrics;
import io.veltrix.ingest.service.tracking.EventPipeline;
import io.veltrix.ingest.service.tracking.IngestOutcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.veltrix.ingest.StoredRejection;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.EventMapper;
import io.veltrix.ingest.mapping.IngestContext;
import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.mapping.RequestParser.RawEvent;
import io.veltrix.ingest.mapping.Violation;
import io.veltrix.ingest.repository.RejectionLog;
import io.veltrix.ingest.repository.ReplayLog;
import io.veltrix.ingest.repository.ReplayLog.Marker;
import io.veltrix.ingest.service.tracking.EventPipeline.Handling;
import io.veltrix.ingest.service.tracking.EventPipeline.Job;
import io.veltrix.ingest.mapping.Reasons;
import io.veltrix.schemas.rejection.RejectedEvents;
import io.veltrix.schemas.rejection.Rejection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.veltrix.ingest.service.tracking.IngestOutcome.EventResult;
import io.veltrix.ingest.service.tracking.IngestOutcome.Status;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.codec.RegisteredSchema;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * Re-submits events kept on {@code events.rejected} through validation again, e.g. after a schema fix: each
 * rejection of the window that matches the filter is validated against the latest schema version in the
 * registry (read now, not the 10 s cache) with the time rules of its original arrival, then published like a
 * fresh event: to {@code events.raw} with its original messageId (so the processor, which dedupes by source and
 * event id, counts it once whatever happens), or back to {@code events.rejected} with stage {@code replay} and its
 * new reason. Idempotent: see {@link ReplayPlanner} and {@link ReplayLog}.
 *
 * <p>Blocking: call it on a worker thread. One replay at a time per instance.
 */
@ApplicationScoped
public class ReplayService {

    /** Events validated and published together. */
    static final int CHUNK = 500;
    /** Per-event entries in the report, at most. */
    static final int MAX_RESULTS = 1000;

    /**
     * A replay request.
     *
     * @param from       start of the window (rejected_at), inclusive
     * @param to         end of the window, exclusive
     * @param reasons    only these reasons (empty: all)
     * @param eventTypes only these event types (empty: all)
     * @param sourceIds  only these sources (empty: all)
     * @param dryRun     validate and report, publish nothing
     * @param force      validate again even when nothing changed since the last replay of an event
     * @param limit      at most this many events
     */
    public record Command(Instant from, Instant to, Set<String> reasons, Set<String> eventTypes, Set<String> sourceIds,
                          boolean dryRun, boolean force, int limit) {
    }

    /** One event's fate in a replay. */
    public record Result(String rejectionId, String eventId, String eventType, String status, String reason,
                         String path, String message) {
    }

    /** What a replay did. */
    public record Report(String replayId, Instant from, Instant to, boolean dryRun, long scanned, boolean truncated,
                         long matched, long notReplayable, long candidates, long remaining,
                         Map<String, Long> outcomes, long markersNotPersisted, List<Result> results) {

        public long count(String outcome) {
            return outcomes.getOrDefault(outcome, 0L);
        }
    }

    private final IngestConfig config;
    private final RejectionLog rejections;
    private final ReplayLog replays;
    private final SchemaCatalog schemas;
    private final EventPipeline pipeline;
    private final ObjectMapper json;
    private final IngestMetrics metrics;
    private final ReentrantLock running = new ReentrantLock();

    public ReplayService(IngestConfig config, RejectionLog rejections, ReplayLog replays, SchemaCatalog schemas,
                         EventPipeline pipeline, ObjectMapper json, IngestMetrics metrics) {
        this.config = config;
        this.rejections = rejections;
        this.replays = replays;
        this.schemas = schemas;
        this.pipeline = pipeline;
        this.json = json;
        this.metrics = metrics;
    }

    public Report replay(Command command) {
        if (!running.tryLock()) {
            throw new RequestRefusedException(RequestRefusedException.Refusal.CONFLICT, "replay_in_progress", JsonPaths.ROOT,
                    "a replay is running on this instance: wait for it to finish");
        }
        try {
            return run(command);
        } finally {
            running.unlock();
        }
    }

    private Report run(Command command) {
        String replayId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        // the normal path should see the new versions at once too, not up to 10 s later
        schemas.forget();
        Map<String, Optional<RegisteredSchema>> fresh = new ConcurrentHashMap<>();
        Function<String, Optional<RegisteredSchema>> latest = type -> fresh.computeIfAbsent(type, schemas::fresh);
        EventMapper mapper = new EventMapper(latest, config.maxFutureSkew(), config.maxEventAge());
        int limit = Math.max(0, Math.min(command.limit(), config.replayMaxEvents()));

        Map<String, Marker> markers;
        RejectionLog.Scan scan;
        ReplayPlanner.Candidates candidates;
        try {
            markers = replays.latest();
            // settled candidates are decided while reading, and at most `limit` events (and replay-max-bytes of their
            // payloads) are held: a window of a million rejections costs a count, not a million payloads
            candidates = new ReplayPlanner.Candidates(
                    new ReplayPlanner.Filter(command.reasons(), command.eventTypes(), command.sourceIds()),
                    candidate -> ReplayPlanner.skip(markers.get(ReplayPlanner.root(candidate)), candidate.eventType() == null
                            ? null : latest.apply(candidate.eventType()).map(RegisteredSchema::version).orElse(null),
                            command.force()),
                    limit, config.replayMaxBytes());
            scan = rejections.scan(command.from(), command.to(), candidates::offer);
        } catch (PulsarClientException e) {
            throw new RequestRefusedException(RequestRefusedException.Refusal.UNAVAILABLE, Reasons.BROKER_UNAVAILABLE,
                    JsonPaths.ROOT, "events.rejected cannot be read: Pulsar is unavailable, retry later (" + e.getMessage() + ")");
        } catch (CodecException e) {
            throw EventPipeline.registryUnavailable(e);
        }
        if (candidates.memoryBound()) {
            metrics.replayMemoryBound();
        }

        Map<String, Long> outcomes = new HashMap<>();
        List<Result> results = new ArrayList<>();
        for (ReplayPlanner.Skipped skipped : candidates.skipped()) {
            StoredRejection candidate = skipped.rejection();
            Marker marker = markers.get(ReplayPlanner.root(candidate));
            count(outcomes, skipped.skip().status);
            addResult(results, new Result(candidate.rejectionId(), candidate.eventId(), candidate.eventType(),
                    skipped.skip().status, marker == null ? null : marker.reason(), null, null));
        }
        List<StoredRejection> toValidate = candidates.list();
        long markersNotPersisted = 0;
        Set<Long> idsInRun = new HashSet<>();
        for (int i = 0; i < toValidate.size(); i += CHUNK) {
            List<StoredRejection> chunk = toValidate.subList(i, Math.min(toValidate.size(), i + CHUNK));
            markersNotPersisted += replayChunk(chunk, replayId, mapper, latest, command, idsInRun, outcomes, results);
        }
        outcomes.forEach((outcome, n) -> metrics.replayed(outcome, n));
        long considered = toValidate.size() + candidates.skipped().size();
        Report report = new Report(replayId, command.from(), command.to(), command.dryRun(), scan.scanned(),
                scan.truncated(), candidates.matched(), candidates.notReplayable(), considered + candidates.remaining(),
                candidates.remaining(), Map.copyOf(outcomes), markersNotPersisted, List.copyOf(results));
        Log.infof("replay %s%s of %s..%s (reasons %s, event types %s, sources %s): %d rejections read, %d candidates, "
                        + "outcomes %s, %d left for another run, in %.1f s", replayId, command.dryRun() ? " (dry run)" : "",
                command.from(), command.to(), command.reasons(), command.eventTypes(), command.sourceIds(), scan.scanned(),
                report.candidates(), outcomes, report.remaining(), (System.nanoTime() - started) / 1e9);
        return report;
    }

    private long replayChunk(List<StoredRejection> chunk, String replayId, EventMapper mapper,
                             Function<String, Optional<RegisteredSchema>> latest, Command command, Set<Long> idsInRun,
                             Map<String, Long> outcomes, List<Result> results) {
        List<Job> jobs = new ArrayList<>(chunk.size());
        List<StoredRejection> handled = new ArrayList<>(chunk.size());
        for (StoredRejection rejection : chunk) {
            JsonNode event;
            try {
                event = json.readTree(rejection.payload());
            } catch (IOException e) {
                count(outcomes, "not_replayable");
                addResult(results, new Result(rejection.rejectionId(), rejection.eventId(), rejection.eventType(),
                        "not_replayable", rejection.reason(), rejection.path(), "the stored payload is not JSON"));
                continue;
            }
            String root = ReplayPlanner.root(rejection);
            Map<String, String> rejectionProperties = new HashMap<>();
            for (String kept : List.of(RejectedEvents.PROP_CALL_TYPE, RejectedEvents.PROP_CLIENT_IP,
                    RejectedEvents.PROP_BATCH_SENT_AT)) {
                if (rejection.property(kept) != null) {
                    rejectionProperties.put(kept, rejection.property(kept));
                }
            }
            rejectionProperties.put(RejectedEvents.PROP_SCOPE, RejectedEvents.SCOPE_EVENT);
            rejectionProperties.put(RejectedEvents.PROP_REPLAY_OF, root);
            rejectionProperties.put(RejectedEvents.PROP_REPLAY_ID, replayId);
            Map<String, String> acceptedProperties = Map.of(RejectedEvents.PROP_REPLAY_OF, root,
                    RejectedEvents.PROP_REPLAY_ID, replayId);
            String batchContext = rejection.property(RejectedEvents.PROP_BATCH_CONTEXT);
            IngestContext context = new IngestContext(rejection.receivedAt(), rejection.writeKeyId(), rejection.sourceId(),
                    rejection.property(RejectedEvents.PROP_CLIENT_IP),
                    textNode(rejection.property(RejectedEvents.PROP_BATCH_SENT_AT)), jsonNode(batchContext));
            Handling handling = new Handling(mapper, ReplayPlanner.callType(rejection, event), context,
                    Rejection.Stage.REPLAY, rejection.eventId(), Map.copyOf(rejectionProperties), batchContext,
                    acceptedProperties, command.dryRun());
            jobs.add(new Job(new RawEvent(handled.size(), JsonPaths.ROOT, event, rejection.payload()), handling));
            handled.add(rejection);
        }
        if (jobs.isEmpty()) {
            return 0;
        }
        Duration wait = config.publishTimeout().multipliedBy(2).plusSeconds(5);
        List<EventResult> outcomesOfChunk;
        try {
            // every replayed rejection keeps its own record (no per-request limit: each is the root of later replays)
            outcomesOfChunk = pipeline.publish(pipeline.prepare(jobs, idsInRun), Integer.MAX_VALUE)
                    .toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RequestRefusedException(RequestRefusedException.Refusal.UNAVAILABLE, Reasons.BROKER_UNAVAILABLE,
                    JsonPaths.ROOT, "Pulsar did not answer in time: run the replay again (" + e.getMessage() + ")");
        }
        List<Uni<Boolean>> markerWrites = new ArrayList<>();
        for (int i = 0; i < handled.size(); i++) {
            StoredRejection rejection = handled.get(i);
            EventResult result = outcomesOfChunk.get(i);
            String status = result.status().name().toLowerCase(Locale.ROOT);
            count(outcomes, status);
            Violation first = result.violations().isEmpty() ? null : result.violations().get(0);
            addResult(results, new Result(rejection.rejectionId(), result.messageId(), result.eventType(), status,
                    first == null ? null : first.reason(), first == null ? null : first.path(),
                    first == null ? null : first.message()));
            if (!command.dryRun() && result.status() != Status.NOT_PERSISTED) {
                String version = result.eventType() == null ? null
                        : latest.apply(result.eventType()).map(RegisteredSchema::version).orElse(null);
                markerWrites.add(replays.record(new Marker(ReplayPlanner.root(rejection), result.messageId(), status,
                                version, first == null ? null : first.reason(), replayId, Instant.now()))
                        .map(ignored -> Boolean.TRUE)
                        .onFailure().recoverWithItem(Boolean.FALSE));
            }
        }
        if (markerWrites.isEmpty()) {
            return 0;
        }
        // a marker not written only means this event is validated again by the next run: safe, but reported
        List<Boolean> written = Uni.join().all(markerWrites).andFailFast().await().atMost(wait);
        return written.stream().filter(ok -> !ok).count();
    }

    /** The batch's sentAt as it was sent: epoch milliseconds stay a number. */
    private JsonNode textNode(String text) {
        if (text == null) {
            return null;
        }
        if (text.matches("-?\\d{1,18}")) {
            return json.getNodeFactory().numberNode(Long.parseLong(text));
        }
        return json.getNodeFactory().textNode(text);
    }

    private JsonNode jsonNode(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static void count(Map<String, Long> outcomes, String outcome) {
        outcomes.merge(outcome, 1L, Long::sum);
    }

    private static void addResult(List<Result> results, Result result) {
        if (results.size() < MAX_RESULTS) {
            results.add(result);
        }
    }
}
