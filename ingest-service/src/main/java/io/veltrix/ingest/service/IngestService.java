package io.veltrix.ingest.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.CallType;
import io.veltrix.ingest.mapping.EventMapper;
import io.veltrix.ingest.mapping.IngestContext;
import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.mapping.MappedEvent;
import io.veltrix.ingest.mapping.Reasons;
import io.veltrix.ingest.mapping.RequestParser;
import io.veltrix.ingest.mapping.RequestParser.ParsedRequest;
import io.veltrix.ingest.mapping.RequestParser.RawEvent;
import io.veltrix.ingest.mapping.Violation;
import io.veltrix.ingest.messaging.EventPublisher;
import io.veltrix.ingest.service.IngestOutcome.EventResult;
import io.veltrix.ingest.service.IngestOutcome.Status;
import io.veltrix.ingest.service.RejectionRecords.Rejection;
import io.veltrix.ingest.service.WriteKeys.WriteKey;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.codec.RegisteredSchema;
import io.veltrix.schemas.codec.RegistryCodec;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tracking pipeline of one request: authenticate, parse, validate every event against its schema,
 * publish the valid ones to {@code events.raw} and the refused ones (with why) to {@code events.rejected},
 * and report each event's fate only once Pulsar acknowledged it.
 *
 * <p>{@link #ingest} blocks (registry look-ups, decompression, parsing): call it on a worker thread. The
 * returned {@link Uni} completes when Pulsar has answered for every event.
 */
@ApplicationScoped
public class IngestService {

    private final IngestConfig config;
    private final WriteKeys writeKeys;
    private final SchemaCatalog schemas;
    private final RegistryCodec codec;
    private final EventPublisher publisher;
    private final RecentMessageIds recent;
    private final RequestParser parser;
    private final EventMapper mapper;
    private final IngestMetrics metrics;
    private final AtomicLong inFlight = new AtomicLong();

    public IngestService(IngestConfig config, WriteKeys writeKeys, SchemaCatalog schemas, RegistryCodec codec,
                         EventPublisher publisher, RecentMessageIds recent, ObjectMapper objectMapper,
                         MeterRegistry registry) {
        this.config = config;
        this.writeKeys = writeKeys;
        this.schemas = schemas;
        this.codec = codec;
        this.publisher = publisher;
        this.recent = recent;
        this.parser = new RequestParser(objectMapper);
        this.mapper = new EventMapper(schemas::latest, config.maxFutureSkew(), config.maxEventAge());
        this.metrics = new IngestMetrics(registry, inFlight);
    }

    public Uni<IngestOutcome> ingest(IngestRequest request) {
        Instant receivedAt = Instant.now();
        metrics.requestSize(request.body().length);
        WriteKey headerKey = headerWriteKey(request.authorization());
        byte[] body = BodyDecoder.decode(request.body(), request.contentEncoding(), config.maxRequestBytes());
        ParsedRequest parsed;
        try {
            parsed = request.callType() == null ? parser.parseBatch(body) : parser.parseSingle(body);
        } catch (RequestParser.InvalidRequestException e) {
            if (headerKey != null) {
                // the caller is known: keep what it sent, so the problem can be found without logs
                keepRefusedRequest(headerKey, e.reason(), e.path(), e.getMessage(), body, receivedAt);
            }
            throw new RequestRefusedException(400, e.reason(), e.path(), e.getMessage());
        }
        WriteKey key = headerKey != null ? headerKey : writeKeys.find(parsed.writeKey())
                .orElseThrow(IngestService::unauthorized);

        IngestContext context = new IngestContext(receivedAt, key.id(), key.source(), request.clientIp(),
                parsed.sentAt(), parsed.context());
        List<Uni<EventResult>> results = new ArrayList<>(parsed.events().size());
        Set<String> idsInRequest = new HashSet<>();
        reserve(parsed.events().size());
        try {
            for (RawEvent event : parsed.events()) {
                // nothing is sent before the join below subscribes: an exception here publishes nothing
                results.add(handle(event, request.callType(), context, idsInRequest).eventually(inFlight::decrementAndGet));
            }
        } catch (RuntimeException e) {
            inFlight.addAndGet(-parsed.events().size());
            throw e;
        }
        boolean single = request.callType() != null;
        return Uni.join().all(results).andFailFast()
                .map(list -> new IngestOutcome(list, list.stream().anyMatch(r -> r.status() == Status.NOT_PERSISTED)))
                .invoke(outcome -> {
                    if (single && !outcome.unavailable() && outcome.results().get(0).violations().stream()
                            .anyMatch(v -> Reasons.EVENT_TOO_LARGE.equals(v.reason()))) {
                        throw new RequestRefusedException(413, Reasons.EVENT_TOO_LARGE, JsonPaths.ROOT,
                                outcome.results().get(0).violations().get(0).message(), config.maxEventBytes());
                    }
                });
    }

    private Uni<EventResult> handle(RawEvent event, CallType callType, IngestContext context, Set<String> idsInRequest) {
        MappedEvent mapped;
        if (event.raw().length > config.maxEventBytes()) {
            mapped = new MappedEvent(event.path(), null, messageId(event), null, null, null, null, null,
                    List.of(new Violation(Reasons.EVENT_TOO_LARGE, event.path(), "the event is " + event.raw().length
                            + " bytes, more than the limit of " + config.maxEventBytes() + " bytes")));
        } else {
            try {
                mapped = mapper.map(event.node(), event.path(), callType, context);
            } catch (CodecException e) {
                throw registryUnavailable(e);
            }
        }
        if (!mapped.valid()) {
            return reject(event, mapped, context);
        }
        String dedupeKey = context.sourceId() + '\u0000' + mapped.eventId();
        if (!idsInRequest.add(dedupeKey) || recent.seen(dedupeKey)) {
            metrics.duplicate(mapped.eventType());
            return Uni.createFrom().item(result(event, mapped, Status.DUPLICATE));
        }
        byte[] payload;
        try {
            payload = codec.encode(mapped.schema(), mapped.record());
        } catch (CodecException e) {
            MappedEvent refused = new MappedEvent(mapped.path(), mapped.eventType(), mapped.eventId(), mapped.playerId(),
                    mapped.schema(), null, mapped.library(), mapped.libraryVersion(),
                    List.of(new Violation(Reasons.WRONG_TYPE, event.path(), e.getMessage())));
            return reject(event, refused, context);
        }
        Timer.Sample sample = metrics.startPublish();
        return publisher.accepted(mapped.playerId(), payload, Map.of(
                        Topics.PROP_EVENT_TYPE, mapped.eventType(),
                        Topics.PROP_EVENT_ID, mapped.eventId(),
                        Topics.PROP_SOURCE_ID, context.sourceId(),
                        Topics.PROP_SCHEMA_VERSION, mapped.schema().version()))
                .ifNoItem().after(config.publishTimeout()).fail()
                .map(ignored -> {
                    recent.remember(dedupeKey);
                    metrics.accepted(mapped.eventType(), sample);
                    return result(event, mapped, Status.ACCEPTED);
                })
                .onFailure().recoverWithItem(failure -> {
                    metrics.notPersisted(mapped.eventType(), failure);
                    return result(event, mapped, Status.NOT_PERSISTED);
                });
    }

    private Uni<EventResult> reject(RawEvent event, MappedEvent mapped, IngestContext context) {
        Violation first = mapped.firstViolation();
        // an unregistered name is the client's free text: never a metric tag
        metrics.rejected(Reasons.UNKNOWN_EVENT_TYPE.equals(first.reason()) ? "unregistered" : mapped.eventType(),
                first.reason());
        Rejection rejection = new Rejection(first.reason(), first.path(), describe(mapped.violations()),
                mapped.eventType(), mapped.eventId(), mapped.playerId(), context.sourceId(), context.writeKeyId(),
                mapped.library(), mapped.libraryVersion(), mapped.schema() == null ? null : mapped.schema().version(),
                context.receivedAt(), event.raw());
        return publishRejection(rejection)
                .map(ignored -> result(event, mapped, Status.REJECTED))
                .onFailure().recoverWithItem(failure -> {
                    metrics.notPersisted(mapped.eventType(), failure);
                    return result(event, mapped, Status.NOT_PERSISTED);
                });
    }

    private Uni<Void> publishRejection(Rejection rejection) {
        RegisteredSchema schema;
        try {
            schema = schemas.latestRejection().orElseThrow(() -> new IllegalStateException(
                    "io.veltrix.pipeline/RejectedEvent is not registered: run the schema registration"));
        } catch (CodecException e) {
            throw registryUnavailable(e);
        }
        byte[] payload = codec.encode(schema, RejectionRecords.build(schema, rejection));
        String key = rejection.playerId() != null ? rejection.playerId()
                : rejection.eventId() != null ? rejection.eventId() : rejection.writeKeyId();
        Map<String, String> properties = new HashMap<>();
        properties.put("reason", rejection.reason());
        properties.put("stage", "ingest");
        properties.put(Topics.PROP_SOURCE_ID, rejection.sourceId());
        if (rejection.eventType() != null) {
            properties.put(Topics.PROP_EVENT_TYPE, rejection.eventType());
        }
        if (rejection.eventId() != null) {
            properties.put(Topics.PROP_EVENT_ID, rejection.eventId());
        }
        return publisher.rejected(key, payload, properties).ifNoItem().after(config.publishTimeout()).fail();
    }

    /** A request refused as a whole by a known caller: kept on events.rejected, then answered 400. */
    private void keepRefusedRequest(WriteKey key, String reason, String path, String message, byte[] body, Instant receivedAt) {
        metrics.rejected(null, reason);
        Rejection rejection = new Rejection(reason, path, message, null, null, null, key.source(), key.id(),
                null, null, null, receivedAt, body);
        try {
            publishRejection(rejection).await().atMost(config.publishTimeout());
        } catch (RuntimeException e) {
            throw new RequestRefusedException(503, "broker_unavailable", JsonPaths.ROOT,
                    "the refused request could not be recorded: Pulsar is unavailable, retry later");
        }
    }

    private void reserve(int events) {
        long now = inFlight.addAndGet(events);
        if (now > config.maxInFlightEvents()) {
            inFlight.addAndGet(-events);
            metrics.saturated();
            throw new RequestRefusedException(429, "saturated", JsonPaths.ROOT,
                    "too many events are waiting for Pulsar's acknowledgement: retry after a short wait");
        }
    }

    private WriteKey headerWriteKey(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return null;
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Basic")) {
            throw unauthorized();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthorized();
        }
        int colon = decoded.indexOf(':');
        return writeKeys.find(colon >= 0 ? decoded.substring(0, colon) : decoded).orElseThrow(IngestService::unauthorized);
    }

    private static RequestRefusedException unauthorized() {
        return new RequestRefusedException(401, Reasons.UNAUTHORIZED, JsonPaths.ROOT,
                "missing or unknown write key: send it as the HTTP Basic user or as 'writeKey' in the body");
    }

    private static RequestRefusedException registryUnavailable(CodecException e) {
        return new RequestRefusedException(503, "registry_unavailable", JsonPaths.ROOT,
                "the schema registry cannot be reached, nothing was accepted: retry later (" + e.getMessage() + ")");
    }

    private static String messageId(RawEvent event) {
        var id = event.node() == null ? null : event.node().get("messageId");
        return id != null && id.isTextual() ? id.textValue() : null;
    }

    private static EventResult result(RawEvent event, MappedEvent mapped, Status status) {
        return new EventResult(event.index(), mapped.eventId(), mapped.eventType(), status,
                status == Status.REJECTED ? mapped.violations() : List.of());
    }

    private static String describe(List<Violation> violations) {
        StringBuilder text = new StringBuilder();
        for (Violation v : violations) {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(v.path()).append(": ").append(v.message()).append(" (").append(v.reason()).append(')');
        }
        return text.toString();
    }

    /** For readiness and metrics. */
    public long inFlight() {
        return inFlight.get();
    }
}
