package io.veltrix.ingest.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.pulsar.PulsarClientService;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.messaging.Channels;
import io.veltrix.ingest.messaging.EventPublisher;
import io.veltrix.schemas.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * What replays did, on the topic {@code events.replays}: one small JSON marker per replayed rejection, keyed by
 * the id of the event's first rejection. A replay reads them all first and skips what an earlier replay
 * already settled, so running the same replay twice publishes nothing twice. Markers are written after the
 * outcome they describe was acknowledged: a crash in between replays that event again on the next run, which the
 * processor's dedupe (by source and event id) makes harmless.
 */
@ApplicationScoped
public class ReplayLog {

    public static final String TOPIC = Topics.REPLAYS;

    /**
     * One replayed rejection's outcome.
     *
     * @param rejectionId   the first rejection of the event (the key)
     * @param eventId       the event's id
     * @param outcome       accepted, duplicate or rejected
     * @param schemaVersion the registry version the replay validated against (null when no schema applied)
     * @param reason        the new reason when rejected
     * @param replayId      the replay run
     * @param at            when
     */
    @RegisterForReflection // JSON on events.replays, read and written with an ObjectMapper: kept for native
    public record Marker(String rejectionId, String eventId, String outcome, String schemaVersion, String reason,
                         String replayId, Instant at) {
    }

    private final PulsarClientService clients;
    private final EventPublisher publisher;
    private final ObjectMapper json;
    private final IngestConfig config;

    public ReplayLog(PulsarClientService clients, EventPublisher publisher, ObjectMapper json, IngestConfig config) {
        this.clients = clients;
        this.publisher = publisher;
        this.json = json;
        this.config = config;
    }

    /** The latest marker of every rejection replayed so far (within the topic's retention). Blocking. */
    public Map<String, Marker> latest() throws PulsarClientException {
        Map<String, Marker> latest = new HashMap<>();
        try (Reader<byte[]> reader = clients.getClient(Channels.REPLAYS).newReader(Schema.BYTES)
                .topic(TOPIC)
                .startMessageId(MessageId.earliest)
                .readerName("ingest-replay-log")
                .create()) {
            long read = 0;
            while (reader.hasMessageAvailable() && read < config.adminMaxScan()) {
                Message<byte[]> message = reader.readNext(10, TimeUnit.SECONDS);
                if (message == null) {
                    break;
                }
                read++;
                try {
                    Marker marker = json.readValue(message.getValue(), Marker.class);
                    if (marker.rejectionId() != null) {
                        latest.put(marker.rejectionId(), marker);
                    }
                } catch (IOException e) {
                    // not a marker of ours: ignore it
                }
            }
        } catch (IOException e) {
            if (e instanceof PulsarClientException pulsar) {
                throw pulsar;
            }
            throw new PulsarClientException(e);
        }
        return latest;
    }

    /** Publishes a marker; completes when Pulsar acknowledged it. */
    public Uni<Void> record(Marker marker) {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(marker);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> properties = new HashMap<>();
        properties.put("outcome", marker.outcome());
        properties.put("replay_id", marker.replayId());
        if (marker.eventId() != null) {
            properties.put("event_id", marker.eventId());
        }
        return publisher.replayed(marker.rejectionId(), payload, properties)
                .ifNoItem().after(config.publishTimeout()).fail();
    }
}
