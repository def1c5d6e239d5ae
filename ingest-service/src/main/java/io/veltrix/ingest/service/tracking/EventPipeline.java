package io.veltrix.ingest.service.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.arc.ClientProxy;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.CallType;
import io.veltrix.ingest.mapping.EventMapper;
import io.veltrix.ingest.mapping.IngestContext;
import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.mapping.MappedEvent;
import io.veltrix.ingest.mapping.Reasons;
import io.veltrix.ingest.mapping.RequestParser.RawEvent;
import io.veltrix.ingest.mapping.Violation;
import io.veltrix.ingest.messaging.EventPublisher;
import io.veltrix.ingest.service.RequestRefusedException;
import io.veltrix.ingest.service.RequestRefusedException.Refusal;
import io.veltrix.ingest.service.catalog.SchemaCatalog;
import io.veltrix.ingest.service.observability.IngestMetrics;
import io.veltrix.ingest.service.tracking.IngestOutcome.EventResult;
import io.veltrix.ingest.service.tracking.IngestOutcome.Status;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.codec.RegisteredSchema;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.schemas.rejection.Rejection;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fate of the events of one request or one replay chunk, in two steps. (This and the other beans of the hot path
 * are {@code @Singleton}: an application-scoped bean is reached through a client proxy that looks the instance up on
 * every call, a few percent of ingest's CPU in the benchmark profile.)
 *
 * <ol>
 *   <li>{@link #prepare}: each event is checked against the size limit, mapped and validated against its schema and
 *   the {@code EventRules}, then found a duplicate (its messageId was accepted recently) or encoded with the shared
 *   codec. Blocking (registry look-ups); publishes nothing, so the caller may still refuse the whole request (rate
 *   limits) after it.</li>
 *   <li>{@link #publish}: the valid events go to {@code events.raw}, the refused ones with why to
 *   {@code events.rejected} (at most {@code maxRecords} records, the rest counted in one summary record). The returned
 *   stage completes when Pulsar answered for every event, and never fails: a broker problem is the status
 *   {@code not_persisted}. One completion per request, no reactive stream per event: this is ingest's hot path.</li>
 * </ol>
 */
@Singleton
public class EventPipeline {

    /** Bytes a rejection record adds to the event it keeps (reason, path, message, ids, properties), about. */
    static final int RECORD_OVERHEAD = 512;

    /**
     * How to handle the events of one request or rejected event.
     *
     * @param mapper               validates against the schemas it is given
     * @param callType             the single-event endpoint's call type, null in a batch
     * @param context              what the request says about all its events
     * @param stage                ingest or replay: the stage of a rejection
     * @param assignedId           the event id when the event has no messageId (a replay's), null to generate
     * @param rejectionProperties  extra properties of every rejection record
     * @param batchContext         the batch context as JSON, kept once, on the first rejection record; null if none
     * @param acceptedProperties   extra properties of an accepted message
     * @param dryRun               validate only: publish nothing
     */
    public record Handling(EventMapper mapper, CallType callType, IngestContext context, Rejection.Stage stage,
                           String assignedId, Map<String, String> rejectionProperties, String batchContext,
                           Map<String, String> acceptedProperties, boolean dryRun) {
    }

    /** One event to handle. */
    public record Job(RawEvent event, Handling handling) {
    }

    /** One event after {@link #prepare}. */
    static final class Item {
        final Job job;
        final MappedEvent mapped;
        Status status;
        byte[] payload;
        long fingerprint;

        Item(Job job, MappedEvent mapped) {
            this.job = job;
            this.mapped = mapped;
        }
    }

    /** The events of a request, prepared. */
    public static final class Prepared {
        final List<Item> items;
        final RegisteredSchema rejectionSchema;
        final int rejected;

        Prepared(List<Item> items, RegisteredSchema rejectionSchema, int rejected) {
            this.items = items;
            this.rejectionSchema = rejectionSchema;
            this.rejected = rejected;
        }

        /** How many events are refused. */
        public int rejected() {
            return rejected;
        }

        /** The bytes of rejection records publishing would write, with at most {@code maxRecords} records. */
        public long rejectionBytes(int maxRecords) {
            long bytes = 0;
            int records = 0;
            for (Item item : items) {
                if (item.status == Status.REJECTED && records++ < maxRecords) {
                    bytes += item.job.event().size() + RECORD_OVERHEAD;
                }
            }
            return rejected > maxRecords ? bytes + RECORD_OVERHEAD : bytes;
        }
    }

    private final IngestConfig config;
    private final SchemaCatalog schemas;
    private final RegistryCodec codec;
    private final EventPublisher publisher;
    private final RecentMessageIds recent;
    private final IngestMetrics metrics;

    public EventPipeline(IngestConfig config, SchemaCatalog schemas, RegistryCodec codec, EventPublisher publisher,
                         RecentMessageIds recent, IngestMetrics metrics) {
        this.config = config;
        this.schemas = schemas;
        // the codec is an application-scoped bean of the schemas module: called per event, not through its client proxy
        this.codec = ClientProxy.unwrap(codec);
        this.publisher = publisher;
        this.recent = recent;
        this.metrics = metrics;
    }

    /**
     * Maps, validates, dedupes and encodes every event. Blocking.
     *
     * @param seen fingerprints of (source, event id) already handled in this request or replay: a second one is a
     *             duplicate
     * @throws RequestRefusedException UNAVAILABLE when the registry cannot be reached (nothing is published)
     */
    public Prepared prepare(List<Job> jobs, Set<Long> seen) {
        List<Item> items = new ArrayList<>(jobs.size());
        int rejected = 0;
        // the events not refused and not repeated within the request are looked up in the recent ids together
        long[] fingerprints = new long[jobs.size()];
        int[] candidates = new int[jobs.size()];
        int count = 0;
        for (Job job : jobs) {
            Item item = new Item(job, map(job));
            items.add(item);
            if (!item.mapped.valid()) {
                item.status = Status.REJECTED;
                rejected++;
                continue;
            }
            MappedEvent mapped = item.mapped;
            item.fingerprint = RecentMessageIds.fingerprint(job.handling().context().sourceId(), String.valueOf(mapped.playerId()),
                    mapped.eventId());
            if (!seen.add(item.fingerprint)) {
                item.status = Status.DUPLICATE;
                continue;
            }
            fingerprints[count] = item.fingerprint;
            candidates[count++] = items.size() - 1;
        }
        boolean[] known = recent.seen(fingerprints, count);
        for (int c = 0; c < count; c++) {
            int index = candidates[c];
            Item item = items.get(index);
            if (known[c]) {
                item.status = Status.DUPLICATE;
                continue;
            }
            Job job = item.job;
            MappedEvent mapped = item.mapped;
            try {
                item.payload = codec.encode(mapped.schema(), mapped.record());
                item.status = Status.ACCEPTED;
            } catch (CodecException e) {
                Item refused = new Item(job, new MappedEvent(mapped.path(), mapped.eventType(), mapped.eventId(),
                        mapped.playerId(), mapped.schema(), null, mapped.library(), mapped.libraryVersion(),
                        List.of(new Violation(Reasons.WRONG_TYPE, job.event().path(), e.getMessage()))));
                refused.status = Status.REJECTED;
                items.set(index, refused);
                rejected++;
            }
        }
        RegisteredSchema rejectionSchema = null;
        if (rejected > 0 && !allDryRun(jobs)) {
            try {
                rejectionSchema = schemas.latestRejection().orElseThrow(() -> new IllegalStateException(
                        "io.veltrix.pipeline/RejectedEvent is not registered: run the schema registration"));
            } catch (CodecException e) {
                throw registryUnavailable(e);
            }
        }
        return new Prepared(items, rejectionSchema, rejected);
    }

    /**
     * Publishes what {@link #prepare} decided; completes when Pulsar answered for every event (never exceptionally).
     *
     * @param maxRecords rejection records at most; the other rejected events are counted in one summary record
     */
    public CompletionStage<List<EventResult>> publish(Prepared prepared, int maxRecords) {
        List<Item> items = prepared.items;
        int n = items.size();
        CompletableFuture<List<EventResult>> done = new CompletableFuture<>();
        AtomicInteger pending = new AtomicInteger(1); // released at the end of this method
        Runnable settle = () -> {
            if (pending.decrementAndGet() == 0) {
                rememberPersisted(items);
                done.complete(results(items));
            }
        };
        Map<String, Integer> acceptedByType = new LinkedHashMap<>();
        long sent = System.nanoTime();
        List<Item> refused = new ArrayList<>(prepared.rejected);
        for (Item item : items) {
            Job job = item.job;
            MappedEvent mapped = item.mapped;
            if (item.status == Status.DUPLICATE) {
                metrics.duplicate(mapped.eventType(), job.handling().stage().symbol());
            } else if (item.status == Status.REJECTED) {
                metrics.rejected(metricEventType(mapped), mapped.firstViolation().reason(), job.handling().stage().symbol());
                refused.add(item);
            } else if (!job.handling().dryRun()) {
                acceptedByType.merge(mapped.eventType(), 1, Integer::sum);
                pending.incrementAndGet();
                CompletableFuture<?> ack;
                try {
                    ack = publisher.accepted(mapped.playerId(), item.payload, mapped.eventType(), mapped.eventId(),
                            job.handling().context().sourceId(), mapped.schema().version(),
                            job.handling().acceptedProperties());
                } catch (RuntimeException e) {
                    ack = CompletableFuture.failedFuture(e);
                }
                ack.whenComplete((id, failure) -> {
                    if (failure != null) {
                        item.status = Status.NOT_PERSISTED;
                        metrics.notPersisted(mapped.eventType(), failure);
                    }
                    settle.run();
                });
            }
        }
        if (!acceptedByType.isEmpty()) {
            String stage = items.get(0).job.handling().stage().symbol();
            acceptedByType.forEach((type, count) -> metrics.accepted(type, stage, count));
        }
        if (!refused.isEmpty() && !refused.get(0).job.handling().dryRun()) {
            pending.incrementAndGet();
            publishRejections(refused, prepared.rejectionSchema, maxRecords).whenComplete((ok, failure) -> settle.run());
        }
        settle.run();
        if (!acceptedByType.isEmpty()) {
            // once per request, not per event (a timer with percentiles costs a few hundred nanoseconds a record)
            done.thenRun(() -> metrics.publishLatency(System.nanoTime() - sent));
        }
        return done;
    }

    /** The events Pulsar persisted become known duplicates for later requests (together: one lock per request). */
    private void rememberPersisted(List<Item> items) {
        long[] persisted = new long[items.size()];
        int count = 0;
        for (Item item : items) {
            if (item.status == Status.ACCEPTED && !item.job.handling().dryRun()) {
                persisted[count++] = item.fingerprint;
            }
        }
        if (count > 0) {
            recent.remember(persisted, count);
        }
    }

    /**
     * Keeps the refused events on events.rejected: records carrying a batch context first (the context is kept once
     * per request, on its first record, so that a reader of the topic meets it before the request's other records),
     * then the others and, beyond {@code maxRecords}, one summary record. An event whose record (or summary) Pulsar
     * did not acknowledge becomes not_persisted.
     */
    private CompletionStage<Void> publishRejections(List<Item> refused, RegisteredSchema schema, int maxRecords) {
        List<Item> kept = refused.size() > maxRecords ? refused.subList(0, maxRecords) : refused;
        List<Item> omitted = refused.size() > maxRecords ? refused.subList(maxRecords, refused.size()) : List.of();
        List<Item> first = new ArrayList<>();
        List<Item> rest = new ArrayList<>();
        Set<Handling> withContext = new HashSet<>();
        for (Item item : kept) {
            Handling handling = item.job.handling();
            if (handling.batchContext() != null && withContext.add(handling)) {
                first.add(item);
            } else {
                rest.add(item);
            }
        }
        // a request whose every rejection is beyond the limit still keeps its context, on the summary record
        boolean contextOnSummary = kept.isEmpty() && !omitted.isEmpty() && omitted.get(0).job.handling().batchContext() != null;
        return sendAll(first, schema, true)
                .thenCompose(ignored -> {
                    CompletableFuture<Void> others = sendAll(rest, schema, false);
                    if (omitted.isEmpty()) {
                        return others;
                    }
                    CompletableFuture<Void> summary = sendSummary(omitted, schema, contextOnSummary);
                    return CompletableFuture.allOf(others, summary);
                });
    }

    private CompletableFuture<Void> sendAll(List<Item> items, RegisteredSchema schema, boolean withContext) {
        if (items.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?>[] sends = new CompletableFuture<?>[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            sends[i] = send(rejection(item), item.job.handling(), withContext, Map.of(), schema)
                    .whenComplete((ok, failure) -> {
                        if (failure != null) {
                            item.status = Status.NOT_PERSISTED;
                            metrics.notPersisted(item.mapped.eventType(), failure);
                        }
                    });
        }
        return CompletableFuture.allOf(sends).exceptionally(failure -> null);
    }

    private CompletableFuture<Void> sendSummary(List<Item> omitted, RegisteredSchema schema, boolean withContext) {
        Item first = omitted.get(0);
        Handling handling = first.job.handling();
        Map<String, Integer> byReason = new LinkedHashMap<>();
        for (Item item : omitted) {
            byReason.merge(item.mapped.firstViolation().reason(), 1, Integer::sum);
        }
        metrics.rejectionsNotKept(omitted.size());
        StringBuilder json = new StringBuilder("{\"omitted\":").append(omitted.size()).append(",\"firstIndex\":")
                .append(first.job.event().index()).append(",\"lastIndex\":")
                .append(omitted.get(omitted.size() - 1).job.event().index()).append(",\"byReason\":{");
        byReason.forEach((reason, count) -> json.append(json.charAt(json.length() - 1) == '{' ? "" : ",")
                .append('"').append(reason).append("\":").append(count));
        json.append("}}");
        IngestContext context = handling.context();
        Rejection summary = new Rejection(UUID.randomUUID().toString(), handling.stage(), Reasons.REJECTIONS_NOT_KEPT,
                "$.batch", omitted.size() + " more events of this request were refused; their records are not kept one "
                + "by one (veltrix.ingest.max-rejections-per-request) but every one was answered with its reason: by "
                + "reason " + byReason, null, null, null, context.sourceId(), context.writeKeyId(), null, null, null,
                context.receivedAt(), Instant.now(), Rejection.PayloadFormat.JSON,
                json.toString().getBytes(StandardCharsets.UTF_8));
        Map<String, String> extra = Map.of(io.veltrix.schemas.rejection.RejectedEvents.PROP_SCOPE,
                io.veltrix.schemas.rejection.RejectedEvents.SCOPE_SUMMARY,
                io.veltrix.schemas.rejection.RejectedEvents.PROP_OMITTED, Integer.toString(omitted.size()));
        return send(summary, handling, withContext, extra, schema).handle((ok, failure) -> {
            if (failure != null) {
                for (Item item : omitted) {
                    item.status = Status.NOT_PERSISTED;
                }
                metrics.notPersisted(null, failure);
            }
            return null;
        });
    }

    private CompletableFuture<Void> send(Rejection rejection, Handling handling, boolean withContext,
                                         Map<String, String> override, RegisteredSchema schema) {
        try {
            Map<String, String> extra = new java.util.HashMap<>(handling.rejectionProperties());
            if (withContext && handling.batchContext() != null) {
                extra.put(io.veltrix.schemas.rejection.RejectedEvents.PROP_BATCH_CONTEXT, handling.batchContext());
            }
            extra.putAll(override);
            byte[] payload = codec.encode(schema, io.veltrix.schemas.rejection.RejectedEvents.toRecord(schema.schema(), rejection));
            return publisher.rejected(rejection.key(), payload,
                            io.veltrix.schemas.rejection.RejectedEvents.properties(rejection, extra))
                    .ifNoItem().after(config.publishTimeout()).fail()
                    .subscribeAsCompletionStage();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Keeps a request refused as a whole (its body) on events.rejected; completes when Pulsar acknowledged it. */
    public CompletionStage<Void> keepRequest(Rejection rejection, Map<String, String> properties) {
        RegisteredSchema schema;
        try {
            schema = schemas.latestRejection().orElseThrow(() -> new IllegalStateException(
                    "io.veltrix.pipeline/RejectedEvent is not registered: run the schema registration"));
        } catch (CodecException e) {
            throw registryUnavailable(e);
        }
        Handling handling = new Handling(null, null, null, rejection.stage(), null, properties, null, Map.of(), false);
        return send(rejection, handling, false, Map.of(), schema);
    }

    /** The record of one refused event: its reason is its first violation, its message all of them. */
    private static Rejection rejection(Item item) {
        MappedEvent mapped = item.mapped;
        Handling handling = item.job.handling();
        IngestContext context = handling.context();
        Violation first = mapped.firstViolation();
        return new Rejection(UUID.randomUUID().toString(), handling.stage(), first.reason(), first.path(),
                describe(mapped.violations()), mapped.eventType(), mapped.eventId(), mapped.playerId(), context.sourceId(),
                context.writeKeyId(), mapped.library(), mapped.libraryVersion(),
                mapped.schema() == null ? null : mapped.schema().version(), context.receivedAt(), Instant.now(),
                Rejection.PayloadFormat.JSON, item.job.event().raw());
    }

    private MappedEvent map(Job job) {
        RawEvent event = job.event();
        Handling handling = job.handling();
        if (event.size() > config.maxEventBytes()) {
            EventMapper.Claim claim = EventMapper.claim(event.node(), handling.callType());
            return new MappedEvent(event.path(), claim.eventType(), messageId(event.node(), handling.assignedId()),
                    claim.playerId(), null, null, null, null,
                    List.of(new Violation(Reasons.EVENT_TOO_LARGE, event.path(), "the event is " + event.size()
                            + " bytes, more than the limit of " + config.maxEventBytes() + " bytes")));
        }
        try {
            return handling.mapper().map(event.node(), event.path(), handling.callType(), handling.context(),
                    handling.assignedId());
        } catch (CodecException e) {
            throw registryUnavailable(e);
        }
    }

    /** A registered event type or a call type; never the client's free text (metric tags must stay few). */
    private String metricEventType(MappedEvent mapped) {
        String type = mapped.eventType();
        if (type == null || mapped.schema() != null || CallType.isCallName(type)) {
            return type;
        }
        if (Reasons.UNKNOWN_EVENT_TYPE.equals(mapped.firstViolation().reason())) {
            return "unregistered";
        }
        try {
            // an event refused before validation (too large) only claims its type: ask the catalogue
            return schemas.latest(type).isPresent() ? type : "unregistered";
        } catch (CodecException e) {
            return "unverified";
        }
    }

    private static boolean allDryRun(List<Job> jobs) {
        for (Job job : jobs) {
            if (!job.handling().dryRun()) {
                return false;
            }
        }
        return true;
    }

    public static RequestRefusedException registryUnavailable(CodecException e) {
        return new RequestRefusedException(Refusal.UNAVAILABLE, Reasons.REGISTRY_UNAVAILABLE, JsonPaths.ROOT,
                "the schema registry cannot be reached, nothing was accepted: retry later (" + e.getMessage() + ")");
    }

    private static String messageId(JsonNode node, String assignedId) {
        JsonNode id = node == null ? null : node.get("messageId");
        return id != null && id.isTextual() && !id.textValue().isEmpty() ? id.textValue() : assignedId;
    }

    private static List<EventResult> results(List<Item> items) {
        List<EventResult> results = new ArrayList<>(items.size());
        for (Item item : items) {
            MappedEvent mapped = item.mapped;
            results.add(new EventResult(item.job.event().index(), mapped.eventId(), mapped.eventType(), item.status,
                    item.status == Status.REJECTED || item.status == Status.NOT_PERSISTED && !mapped.valid()
                            ? mapped.violations() : List.of()));
        }
        return results;
    }

    static String describe(List<Violation> violations) {
        StringBuilder text = new StringBuilder();
        for (Violation v : violations) {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(v.path()).append(": ").append(v.message()).append(" (").append(v.reason()).append(')');
        }
        return text.toString();
    }
}
