package io.veltrix.ingest.service;

import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
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
import io.veltrix.ingest.service.IngestOutcome.EventResult;
import io.veltrix.ingest.service.IngestOutcome.Status;
import io.veltrix.ingest.service.RejectionRecords.Rejection;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.codec.RegisteredSchema;
import io.veltrix.schemas.codec.RegistryCodec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fate of one event, the same for a request and for a replay: too large, or mapped and validated against
 * its schema; then refused (kept on {@code events.rejected} with why), a duplicate (its messageId was accepted
 * recently), or encoded with the shared codec and published to {@code events.raw}. The returned {@link Uni}
 * completes when Pulsar acknowledged, and never fails: a broker problem is the status {@code not_persisted}.
 *
 * <p>{@link #handle} may block (registry look-ups): call it on a worker thread. It publishes nothing until the
 * returned {@link Uni} is subscribed.
 */
@ApplicationScoped
public class EventPipeline {

    /**
     * How to handle the events of one request or replay.
     *
     * @param mapper               validates against the schemas it is given
     * @param callType             the single-event endpoint's call type, null in a batch
     * @param context              what the request says about all its events
     * @param stage                {@code ingest} or {@code replay}: the stage of a rejection
     * @param assignedId           the event id when the event has no messageId (a replay's), null to generate
     * @param rejectionProperties  extra properties of a rejection message
     * @param acceptedProperties   extra properties of an accepted message
     * @param dryRun               validate only: publish nothing
     */
    record Handling(EventMapper mapper, CallType callType, IngestContext context, String stage, String assignedId,
                    Map<String, String> rejectionProperties, Map<String, String> acceptedProperties, boolean dryRun) {
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
        this.codec = codec;
        this.publisher = publisher;
        this.recent = recent;
        this.metrics = metrics;
    }

    /**
     * @param idsInRequest the (source, event id) pairs already seen in this request or replay: a second one is a
     *                     duplicate
     * @throws RequestRefusedException 503 when the registry cannot be reached (nothing of the request is published)
     */
    Uni<EventResult> handle(RawEvent event, Handling handling, Set<String> idsInRequest) {
        IngestContext context = handling.context();
        MappedEvent mapped = map(event, handling);
        if (!mapped.valid()) {
            return reject(event, mapped, handling);
        }
        String dedupeKey = context.sourceId() + '\u0000' + mapped.eventId();
        if (!idsInRequest.add(dedupeKey) || recent.seen(dedupeKey)) {
            metrics.duplicate(mapped.eventType(), handling.stage());
            return Uni.createFrom().item(result(event, mapped, Status.DUPLICATE));
        }
        byte[] payload;
        try {
            payload = codec.encode(mapped.schema(), mapped.record());
        } catch (CodecException e) {
            MappedEvent refused = new MappedEvent(mapped.path(), mapped.eventType(), mapped.eventId(), mapped.playerId(),
                    mapped.schema(), null, mapped.library(), mapped.libraryVersion(),
                    List.of(new Violation(Reasons.WRONG_TYPE, event.path(), e.getMessage())));
            return reject(event, refused, handling);
        }
        if (handling.dryRun()) {
            return Uni.createFrom().item(result(event, mapped, Status.ACCEPTED));
        }
        Map<String, String> properties = new HashMap<>(handling.acceptedProperties());
        properties.put(Topics.PROP_EVENT_TYPE, mapped.eventType());
        properties.put(Topics.PROP_EVENT_ID, mapped.eventId());
        properties.put(Topics.PROP_SOURCE_ID, context.sourceId());
        properties.put(Topics.PROP_SCHEMA_VERSION, mapped.schema().version());
        Timer.Sample sample = metrics.startPublish();
        // no per-event timer: the producer's own send timeout (ProducerConfigurations) fails a send Pulsar does not
        // acknowledge in time
        return publisher.accepted(mapped.playerId(), payload, properties)
                .map(ignored -> {
                    recent.remember(dedupeKey);
                    metrics.accepted(mapped.eventType(), handling.stage(), sample);
                    return result(event, mapped, Status.ACCEPTED);
                })
                .onFailure().recoverWithItem(failure -> {
                    metrics.notPersisted(mapped.eventType(), failure);
                    return result(event, mapped, Status.NOT_PERSISTED);
                });
    }

    private MappedEvent map(RawEvent event, Handling handling) {
        if (event.raw().length > config.maxEventBytes()) {
            EventMapper.Claim claim = EventMapper.claim(event.node(), handling.callType());
            return new MappedEvent(event.path(), claim.eventType(), messageId(event, handling.assignedId()),
                    claim.playerId(), null, null, null, null,
                    List.of(new Violation(Reasons.EVENT_TOO_LARGE, event.path(), "the event is " + event.raw().length
                            + " bytes, more than the limit of " + config.maxEventBytes() + " bytes")));
        }
        try {
            return handling.mapper().map(event.node(), event.path(), handling.callType(), handling.context(),
                    handling.assignedId());
        } catch (CodecException e) {
            throw registryUnavailable(e);
        }
    }

    private Uni<EventResult> reject(RawEvent event, MappedEvent mapped, Handling handling) {
        Violation first = mapped.firstViolation();
        IngestContext context = handling.context();
        metrics.rejected(metricEventType(mapped), first.reason(), handling.stage());
        if (handling.dryRun()) {
            return Uni.createFrom().item(result(event, mapped, Status.REJECTED));
        }
        Rejection rejection = new Rejection(handling.stage(), first.reason(), first.path(), describe(mapped.violations()),
                mapped.eventType(), mapped.eventId(), mapped.playerId(), context.sourceId(), context.writeKeyId(),
                mapped.library(), mapped.libraryVersion(), mapped.schema() == null ? null : mapped.schema().version(),
                context.receivedAt(), event.raw(), handling.rejectionProperties());
        return publishRejection(rejection)
                .map(ignored -> result(event, mapped, Status.REJECTED))
                .onFailure().recoverWithItem(failure -> {
                    metrics.notPersisted(mapped.eventType(), failure);
                    return result(event, mapped, Status.NOT_PERSISTED);
                });
    }

    /** Publishes a rejection to {@code events.rejected}; fails when Pulsar does not acknowledge in time. */
    Uni<Void> publishRejection(Rejection rejection) {
        RegisteredSchema schema;
        try {
            schema = schemas.latestRejection().orElseThrow(() -> new IllegalStateException(
                    "io.veltrix.pipeline/RejectedEvent is not registered: run the schema registration"));
        } catch (CodecException e) {
            throw registryUnavailable(e);
        }
        byte[] payload = codec.encode(schema, RejectionRecords.build(schema, rejection));
        return publisher.rejected(rejection.key(), payload, RejectionRecords.properties(rejection))
                .ifNoItem().after(config.publishTimeout()).fail();
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
            // an event refused before validation (too large) only claims its type: ask the (cached) catalogue
            return schemas.latest(type).isPresent() ? type : "unregistered";
        } catch (CodecException e) {
            return "unverified";
        }
    }

    static RequestRefusedException registryUnavailable(CodecException e) {
        return new RequestRefusedException(503, "registry_unavailable", JsonPaths.ROOT,
                "the schema registry cannot be reached, nothing was accepted: retry later (" + e.getMessage() + ")");
    }

    private static String messageId(RawEvent event, String assignedId) {
        var id = event.node() == null ? null : event.node().get("messageId");
        return id != null && id.isTextual() && !id.textValue().isEmpty() ? id.textValue() : assignedId;
    }

    private static EventResult result(RawEvent event, MappedEvent mapped, Status status) {
        return new EventResult(event.index(), mapped.eventId(), mapped.eventType(), status,
                status == Status.REJECTED ? mapped.violations() : List.of());
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
