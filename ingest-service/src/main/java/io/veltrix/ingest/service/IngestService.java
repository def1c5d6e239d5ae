package io.veltrix.ingest.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.EventMapper;
import io.veltrix.ingest.mapping.IngestContext;
import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.mapping.Reasons;
import io.veltrix.ingest.mapping.RequestParser;
import io.veltrix.ingest.mapping.RequestParser.ParsedRequest;
import io.veltrix.ingest.mapping.RequestParser.RawEvent;
import io.veltrix.ingest.messaging.RejectionProperties;
import io.veltrix.ingest.service.EventPipeline.Handling;
import io.veltrix.ingest.service.IngestOutcome.EventResult;
import io.veltrix.ingest.service.IngestOutcome.Status;
import io.veltrix.ingest.service.RejectionRecords.Rejection;
import io.veltrix.ingest.service.WriteKeys.WriteKey;
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
 * The tracking pipeline of one request: authenticate, decompress, parse, then hand every event to the
 * {@link EventPipeline} (validate against its schema, publish to {@code events.raw} or, with why, to
 * {@code events.rejected}), and report each event's fate only once Pulsar acknowledged it.
 *
 * <p>{@link #ingest} blocks (registry look-ups, decompression, parsing): call it on a worker thread. The
 * returned {@link Uni} completes when Pulsar has answered for every event.
 */
@ApplicationScoped
public class IngestService {

    /** A batch context larger than this is not kept beside its rejected events (the events keep their own). */
    static final int MAX_KEPT_BATCH_CONTEXT = 8 * 1024;

    private final IngestConfig config;
    private final WriteKeys writeKeys;
    private final EventPipeline pipeline;
    private final RequestParser parser;
    private final ObjectMapper json;
    private final EventMapper mapper;
    private final IngestMetrics metrics;
    private final AtomicLong inFlight;

    public IngestService(IngestConfig config, WriteKeys writeKeys, SchemaCatalog schemas, EventPipeline pipeline,
                         ObjectMapper objectMapper, IngestMetrics metrics) {
        this.config = config;
        this.writeKeys = writeKeys;
        this.pipeline = pipeline;
        this.json = objectMapper;
        this.parser = new RequestParser(objectMapper);
        this.mapper = new EventMapper(schemas::latest, config.maxFutureSkew(), config.maxEventAge());
        this.metrics = metrics;
        this.inFlight = metrics.inFlight();
    }

    public Uni<IngestOutcome> ingest(IngestRequest request) {
        Instant receivedAt = Instant.now();
        metrics.requestSize(request.body().length);
        WriteKey headerKey = headerWriteKey(request.authorization());
        byte[] body = BodyDecoder.decode(request.body(), request.contentEncoding(), config.maxRequestBytes());
        metrics.decodedSize(body.length);
        ParsedRequest parsed;
        try {
            parsed = request.callType() == null ? parser.parseBatch(body) : parser.parseSingle(body);
        } catch (RequestParser.InvalidRequestException e) {
            if (headerKey != null) {
                // the caller is known: keep what it sent, so the problem can be found without logs
                keepRefusedRequest(headerKey, request, e.reason(), e.path(), e.getMessage(), body, receivedAt);
            }
            throw new RequestRefusedException(400, e.reason(), e.path(), e.getMessage());
        }
        WriteKey key = headerKey != null ? headerKey : writeKeys.find(parsed.writeKey())
                .orElseThrow(IngestService::unauthorized);
        metrics.events(parsed.events().size());

        IngestContext context = new IngestContext(receivedAt, key.id(), key.source(), request.clientIp(),
                parsed.sentAt(), parsed.context());
        Handling handling = new Handling(mapper, request.callType(), context, RejectionRecords.STAGE_INGEST, null,
                rejectionProperties(request, parsed), Map.of(), false);
        List<Uni<EventResult>> results = new ArrayList<>(parsed.events().size());
        Set<String> idsInRequest = new HashSet<>();
        reserve(parsed.events().size());
        try {
            for (RawEvent event : parsed.events()) {
                // nothing is sent before the join below subscribes: an exception here publishes nothing
                results.add(pipeline.handle(event, handling, idsInRequest).eventually(inFlight::decrementAndGet));
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

    /** What a replay needs besides the stored event: the endpoint, the batch's sentAt and context, the caller. */
    private Map<String, String> rejectionProperties(IngestRequest request, ParsedRequest parsed) {
        Map<String, String> properties = new HashMap<>();
        properties.put(RejectionProperties.SCOPE, RejectionProperties.SCOPE_EVENT);
        if (request.callType() != null) {
            properties.put(RejectionProperties.CALL_TYPE, request.callType().wireName());
        }
        if (request.clientIp() != null) {
            properties.put(RejectionProperties.CLIENT_IP, request.clientIp());
        }
        JsonNode sentAt = parsed.sentAt();
        if (sentAt != null && sentAt.isValueNode() && !sentAt.isNull()) {
            properties.put(RejectionProperties.BATCH_SENT_AT, sentAt.asText());
        }
        JsonNode context = parsed.context();
        if (context != null && context.isObject()) {
            try {
                String text = json.writeValueAsString(context);
                if (text.length() <= MAX_KEPT_BATCH_CONTEXT) {
                    properties.put(RejectionProperties.BATCH_CONTEXT, text);
                }
            } catch (JsonProcessingException e) {
                // a parsed tree always serializes; nothing to keep otherwise
            }
        }
        return properties;
    }

    /** A request refused as a whole by a known caller: kept on events.rejected, then answered 400. */
    private void keepRefusedRequest(WriteKey key, IngestRequest request, String reason, String path, String message,
                                    byte[] body, Instant receivedAt) {
        Map<String, String> properties = new HashMap<>();
        properties.put(RejectionProperties.SCOPE, RejectionProperties.SCOPE_REQUEST);
        if (request.callType() != null) {
            properties.put(RejectionProperties.CALL_TYPE, request.callType().wireName());
        }
        if (request.clientIp() != null) {
            properties.put(RejectionProperties.CLIENT_IP, request.clientIp());
        }
        Rejection rejection = new Rejection(RejectionRecords.STAGE_INGEST, reason, path, message, null, null, null,
                key.source(), key.id(), null, null, null, receivedAt, body, properties);
        try {
            pipeline.publishRejection(rejection).await().atMost(config.publishTimeout().plusSeconds(1));
        } catch (RequestRefusedException e) {
            throw e;
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
                "missing or unknown write key: send it as the HTTP Basic user or as 'writeKey' in the body")
                .challenge("Basic realm=\"veltrix\"");
    }

    /** For readiness and metrics. */
    public long inFlight() {
        return inFlight.get();
    }
}
