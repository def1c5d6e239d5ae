package io.veltrix.ingest.service.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.mapping.EventMapper;
import io.veltrix.ingest.mapping.IngestContext;
import io.veltrix.ingest.mapping.JsonPaths;
import io.veltrix.ingest.mapping.Reasons;
import io.veltrix.ingest.mapping.RequestParser;
import io.veltrix.ingest.mapping.RequestParser.ParsedRequest;
import io.veltrix.ingest.mapping.RequestParser.RawEvent;
import io.veltrix.ingest.service.RequestRefusedException;
import io.veltrix.ingest.service.RequestRefusedException.Refusal;
import io.veltrix.ingest.service.catalog.SchemaCatalog;
import io.veltrix.ingest.service.observability.IngestMetrics;
import io.veltrix.ingest.service.tracking.EventPipeline.Handling;
import io.veltrix.ingest.service.tracking.EventPipeline.Job;
import io.veltrix.ingest.service.tracking.EventPipeline.Prepared;
import io.veltrix.ingest.service.writekey.WriteKeys;
import io.veltrix.ingest.service.writekey.WriteKeys.WriteKey;
import io.veltrix.schemas.rejection.RejectedEvents;
import io.veltrix.schemas.rejection.Rejection;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The tracking pipeline of one request: authenticate, decompress, parse, apply the write key's rate limit and the
 * instance's in-flight budget, then hand every event to the {@link EventPipeline} (validate, publish to
 * {@code events.raw} or, with why, to {@code events.rejected}), and report each event's fate only once Pulsar
 * acknowledged it.
 *
 * <p>{@link #ingest} blocks (registry look-ups, decompression, parsing): call it on a worker thread. A request
 * refused as a whole throws {@link RequestRefusedException} before anything of it is published; otherwise the
 * returned stage completes, on a Pulsar thread, when Pulsar has answered for every event.
 */
@Singleton
public class IngestService {

    /** A batch context larger than this is not kept with the request's rejections (the events keep their own). */
    static final int MAX_KEPT_BATCH_CONTEXT = 8 * 1024;

    private final IngestConfig config;
    private final WriteKeys writeKeys;
    private final EventPipeline pipeline;
    private final RequestParser parser;
    private final ObjectMapper json;
    private final EventMapper mapper;
    private final IngestMetrics metrics;
    private final RateLimits limits;
    private final InFlight inFlight;

    public IngestService(IngestConfig config, WriteKeys writeKeys, SchemaCatalog schemas, EventPipeline pipeline,
                         ObjectMapper objectMapper, IngestMetrics metrics, RateLimits limits, InFlight inFlight) {
        this.config = config;
        this.writeKeys = writeKeys;
        this.pipeline = pipeline;
        this.json = objectMapper;
        this.parser = new RequestParser(objectMapper);
        this.mapper = new EventMapper(schemas::latest, config.maxFutureSkew(), config.maxEventAge());
        this.metrics = metrics;
        this.limits = limits;
        this.inFlight = inFlight;
    }

    public CompletionStage<IngestOutcome> ingest(IngestRequest request) {
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
                // the caller is known: keep what it sent (within its rate limits), so the problem can be found without logs
                limits.acquireEvents(headerKey.id(), 1);
                limits.acquireRejectedBytes(headerKey.id(), body.length + EventPipeline.RECORD_OVERHEAD);
                keepRefusedRequest(headerKey, request, e.reason(), e.path(), e.getMessage(), body, receivedAt);
            }
            throw new RequestRefusedException(Refusal.INVALID, e.reason(), e.path(), e.getMessage());
        }
        WriteKey key = headerKey != null ? headerKey : writeKeys.find(parsed.writeKey())
                .orElseThrow(IngestService::unauthorized);
        int events = parsed.events().size();
        metrics.events(events);
        limits.acquireEvents(key.id(), events);
        InFlight.Reservation reservation = inFlight.reserve(events, body.length);
        try {
            IngestContext context = new IngestContext(receivedAt, key.id(), key.source(), request.clientIp(),
                    parsed.sentAt(), parsed.context());
            Handling handling = new Handling(mapper, request.callType(), context, Rejection.Stage.INGEST, null,
                    rejectionProperties(request, parsed), batchContext(parsed), Map.of(), false);
            List<Job> jobs = new ArrayList<>(events);
            for (RawEvent event : parsed.events()) {
                jobs.add(new Job(event, handling));
            }
            Prepared prepared = pipeline.prepare(jobs, new HashSet<>());
            if (prepared.rejected() > 0) {
                limits.acquireRejectedBytes(key.id(), prepared.rejectionBytes(config.maxRejectionsPerRequest()));
            }
            return pipeline.publish(prepared, config.maxRejectionsPerRequest())
                    .thenApply(results -> new IngestOutcome(results, results.stream()
                            .anyMatch(r -> r.status() == IngestOutcome.Status.NOT_PERSISTED)))
                    .whenComplete((outcome, failure) -> reservation.release());
        } catch (RuntimeException e) {
            reservation.release();
            throw e;
        }
    }

    /** What a replay needs besides the stored event: the endpoint, the batch's sentAt, the caller, the request. */
    private Map<String, String> rejectionProperties(IngestRequest request, ParsedRequest parsed) {
        Map<String, String> properties = new HashMap<>();
        properties.put(RejectedEvents.PROP_SCOPE, RejectedEvents.SCOPE_EVENT);
        properties.put(RejectedEvents.PROP_REQUEST_ID, UUID.randomUUID().toString());
        if (request.callType() != null) {
            properties.put(RejectedEvents.PROP_CALL_TYPE, request.callType().wireName());
        }
        if (request.clientIp() != null) {
            properties.put(RejectedEvents.PROP_CLIENT_IP, request.clientIp());
        }
        JsonNode sentAt = parsed.sentAt();
        if (sentAt != null && sentAt.isValueNode() && !sentAt.isNull()) {
            properties.put(RejectedEvents.PROP_BATCH_SENT_AT, sentAt.asText());
        }
        return Map.copyOf(properties);
    }

    /** The batch's context as JSON, kept once per request with its first rejection; null when none or too large. */
    private String batchContext(ParsedRequest parsed) {
        JsonNode context = parsed.context();
        if (context == null || !context.isObject()) {
            return null;
        }
        try {
            String text = json.writeValueAsString(context);
            return text.length() <= MAX_KEPT_BATCH_CONTEXT ? text : null;
        } catch (JsonProcessingException e) {
            return null; // a parsed tree always serializes
        }
    }

    /** A request refused as a whole by a known caller: kept on events.rejected, then answered 400. */
    private void keepRefusedRequest(WriteKey key, IngestRequest request, String reason, String path, String message,
                                    byte[] body, Instant receivedAt) {
        Map<String, String> properties = new HashMap<>();
        properties.put(RejectedEvents.PROP_SCOPE, RejectedEvents.SCOPE_REQUEST);
        if (request.callType() != null) {
            properties.put(RejectedEvents.PROP_CALL_TYPE, request.callType().wireName());
        }
        if (request.clientIp() != null) {
            properties.put(RejectedEvents.PROP_CLIENT_IP, request.clientIp());
        }
        Rejection rejection = new Rejection(UUID.randomUUID().toString(), Rejection.Stage.INGEST, reason, path, message,
                null, null, null, key.source(), key.id(), null, null, null, receivedAt, Instant.now(),
                Rejection.PayloadFormat.JSON, body);
        try {
            pipeline.keepRequest(rejection, properties).toCompletableFuture().get(
                    config.publishTimeout().plusSeconds(1).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (RequestRefusedException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw brokerUnavailable();
        } catch (Exception e) {
            throw brokerUnavailable();
        }
    }

    private static RequestRefusedException brokerUnavailable() {
        return new RequestRefusedException(Refusal.UNAVAILABLE, Reasons.BROKER_UNAVAILABLE, JsonPaths.ROOT,
                "the refused request could not be recorded: Pulsar is unavailable, retry later");
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
        return new RequestRefusedException(Refusal.UNAUTHORIZED, Reasons.UNAUTHORIZED, JsonPaths.ROOT,
                "missing or unknown write key: send it as the HTTP Basic user or as 'writeKey' in the body")
                .challenge("Basic realm=\"veltrix\"");
    }
}
