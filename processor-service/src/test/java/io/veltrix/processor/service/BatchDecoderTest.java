package io.veltrix.processor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.veltrix.events.PurchaseCompleted;
import io.veltrix.processor.service.BatchDecoder.DecodedBatch;
import io.veltrix.schemas.codec.CodecException;
import io.veltrix.schemas.rules.EventRules;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Sorting a batch into countable, refused and poison, without Pulsar or a registry (a map stands for the codec). */
class BatchDecoderTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private final Map<String, GenericRecord> records = new HashMap<>();
    private final BatchDecoder decoder = new BatchDecoder(this::decode, EventRules.defaults(), Duration.ofDays(35),
            Duration.ofHours(1), Duration.ofDays(1));

    private GenericRecord decode(byte[] payload) {
        String key = new String(payload, StandardCharsets.UTF_8);
        if (key.equals("registry-down")) {
            throw new CodecException(CodecException.Kind.REGISTRY_UNAVAILABLE, "registry down", null);
        }
        if (key.equals("garbage")) {
            throw new CodecException(CodecException.Kind.MALFORMED, "not Apicurio framing", null);
        }
        return records.get(key);
    }

    @Test
    void sortsEachMessageAndKeepsItsPositionInTheBatch() {
        records.put("ok", purchase("e-1", 9.99, NOW.minusSeconds(10)));
        records.put("huge", purchase("e-2", 1e200, NOW.minusSeconds(10)));
        records.put("old", purchase("e-3", 1, NOW.minus(Duration.ofDays(35)).plus(Duration.ofHours(1))));
        DecodedBatch batch = decoder.decode(List.of(bytes("ok"), bytes("garbage"), bytes("huge"), bytes("old")), NOW);
        assertEquals(1, batch.countable().size());
        assertEquals(0, batch.countable().get(0).index());
        assertEquals("e-1", batch.countable().get(0).facts().eventId());
        assertEquals(List.of(1), batch.poison().stream().map(BatchDecoder.Poison::index).toList());
        assertEquals("malformed", batch.poison().get(0).reason());
        assertEquals(List.of(2, 3), batch.refused().stream().map(BatchDecoder.Refused::index).toList());
        // the same rule ingest applies: a value the sums could not hold is refused before it is counted
        assertEquals(EventRules.NUMBER_OUT_OF_RANGE, batch.refused().get(0).violation().reason());
        // within 30 days of its arrival (the age rule), but older than the event log reaches: it could not be told
        // from a copy counted long ago
        assertEquals(Reasons.BEYOND_RETENTION, batch.refused().get(1).violation().reason());
    }

    @Test
    void anUnreachableRegistryFailsTheWholeBatchToBeTriedAgain() {
        records.put("ok", purchase("e-1", 9.99, NOW.minusSeconds(10)));
        CodecException failure = assertThrows(CodecException.class,
                () -> decoder.decode(List.of(bytes("ok"), bytes("registry-down")), NOW));
        assertEquals(true, failure.isTransient());
    }

    @Test
    void theOldestCountableTimeLeavesTheToleranceAndAPartitionOfMargin() {
        // 35 days of log, 1 h of tolerance, 1 h of margin (one partition, at most an hour)
        assertEquals(NOW.minus(Duration.ofDays(35)).plus(Duration.ofHours(2)), decoder.oldestCountable(NOW));
        BatchDecoder narrow = new BatchDecoder(this::decode, EventRules.defaults(), Duration.ofSeconds(45),
                Duration.ofSeconds(2), Duration.ofSeconds(15));
        assertEquals(NOW.minusSeconds(28), narrow.oldestCountable(NOW));
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static GenericRecord purchase(String id, double revenue, Instant occurred) {
        Schema schema = PurchaseCompleted.getClassSchema();
        GenericRecord envelope = new GenericData.Record(schema.getField("envelope").schema());
        envelope.put("event_id", id);
        envelope.put("player_id", "p-1");
        envelope.put("occurred_at", occurred.toEpochMilli());
        // received 3 days after it happened at most (the age rule is judged against the arrival)
        envelope.put("received_at", occurred.plus(Duration.ofDays(3)).isAfter(NOW) ? NOW.toEpochMilli()
                : occurred.plus(Duration.ofDays(3)).toEpochMilli());
        envelope.put("source_id", "game");
        envelope.put("write_key_id", "k");
        GenericRecord properties = new GenericData.Record(schema.getField("properties").schema());
        properties.put("order_id", "o");
        properties.put("product_id", "p");
        properties.put("revenue", revenue);
        properties.put("currency", "EUR");
        properties.put("quantity", 1);
        GenericRecord event = new GenericData.Record(schema);
        event.put("envelope", envelope);
        event.put("properties", properties);
        return event;
    }
}
