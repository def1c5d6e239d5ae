package io.veltrix.ingest.repository;

import io.smallrye.reactive.messaging.pulsar.PulsarClientService;
import io.veltrix.ingest.StoredRejection;
import io.veltrix.ingest.config.IngestConfig;
import io.veltrix.ingest.messaging.Channels;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.codec.DecodedEvent;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.schemas.rejection.RejectedEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericRecord;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * {@code events.rejected} is where rejections are stored (7 days of retention): this reads it back over a time
 * window with a Pulsar {@link Reader}, which takes nothing away from anyone (no subscription, no
 * acknowledgement) and needs no state of ours, so the answer is the same on every instance and after any restart.
 *
 * <p>Producers stamp messages with their own clocks, so the reader starts {@code veltrix.ingest.scan-margin}
 * before the window, stops that much after it (or at the end of the topic), and keeps the records whose own
 * {@code rejected_at} lies in the window. Blocking: call it on a worker thread.
 */
@ApplicationScoped
public class RejectionLog {

    /** What a scan read. */
    public record Scan(long scanned, long undecodable, boolean truncated) {
    }

    private final PulsarClientService clients;
    private final RegistryCodec codec;
    private final IngestConfig config;

    public RejectionLog(PulsarClientService clients, RegistryCodec codec, IngestConfig config) {
        this.clients = clients;
        this.codec = codec;
        this.config = config;
    }

    /**
     * Hands every rejection with {@code from <= rejected_at < to} to {@code sink}, in topic order.
     *
     * @throws CodecException       of kind REGISTRY_UNAVAILABLE when the registry cannot be reached
     * @throws PulsarClientException when Pulsar cannot be read
     */
    public Scan scan(Instant from, Instant to, Consumer<StoredRejection> sink) throws PulsarClientException {
        Duration margin = config.scanMargin();
        long startAt = from.minus(margin).toEpochMilli();
        long stopAt = to.plus(margin).toEpochMilli();
        long rollback = Math.max(1, System.currentTimeMillis() - startAt);
        long scanned = 0;
        long undecodable = 0;
        try (Reader<byte[]> reader = clients.getClient(Channels.EVENTS_REJECTED).newReader(Schema.BYTES)
                .topic(Topics.REJECTED)
                .startMessageFromRollbackDuration(rollback, TimeUnit.MILLISECONDS)
                .readerName("ingest-admin-scan")
                .create()) {
            while (reader.hasMessageAvailable()) {
                if (scanned >= config.adminMaxScan()) {
                    return new Scan(scanned, undecodable, true);
                }
                Message<byte[]> message = reader.readNext(10, TimeUnit.SECONDS);
                if (message == null) {
                    break;
                }
                scanned++;
                if (message.getPublishTime() > stopAt) {
                    break;
                }
                StoredRejection rejection;
                try {
                    rejection = read(message);
                } catch (CodecException e) {
                    if (e.kind() == CodecException.Kind.REGISTRY_UNAVAILABLE) {
                        throw e;
                    }
                    undecodable++;
                    continue;
                } catch (RuntimeException e) {
                    undecodable++;
                    continue;
                }
                if (!rejection.rejectedAt().isBefore(from) && rejection.rejectedAt().isBefore(to)) {
                    sink.accept(rejection);
                }
            }
        } catch (java.io.IOException e) {
            if (e instanceof PulsarClientException pulsar) {
                throw pulsar;
            }
            throw new PulsarClientException(e);
        }
        return new Scan(scanned, undecodable, false);
    }

    private StoredRejection read(Message<byte[]> message) {
        DecodedEvent decoded = codec.decode(message.getValue());
        GenericRecord r = decoded.record();
        if (!RejectedEvents.FULL_NAME.equals(r.getSchema().getFullName())) {
            throw new CodecException(CodecException.Kind.MALFORMED, "not a RejectedEvent: " + r.getSchema().getFullName(), null);
        }
        return StoredRejection.of(message.getMessageId().toString(), RejectedEvents.fromRecord(r),
                Map.copyOf(message.getProperties()));
    }
}
