package io.veltrix.processor.mapping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.veltrix.pipeline.RejectedEvent;
import io.veltrix.processor.EventFacts;
import io.veltrix.processor.service.Reasons;
import io.veltrix.processor.service.Rejection;
import io.veltrix.processor.service.Violation;
import io.veltrix.schemas.codec.RegisteredSchema;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class RejectionRecordsTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-26T10:00:00Z");
    private final RegisteredSchema schema = new RegisteredSchema("io.veltrix.pipeline", "RejectedEvent", "1", 7,
            RejectedEvent.getClassSchema());

    private static Rejection rejection(String reason) {
        EventFacts event = new EventFacts("game", "e-1", "experiment_viewed", "p-1", RECEIVED, RECEIVED, Map.of(),
                new EventFacts.Exposure("x", "a"), new EventFacts.Origin("ios-key", "analytics-ios", "4.1"));
        return new Rejection(event, new Violation(reason, "$.properties.experiment_key", "no experiment 'x'"),
                new byte[] {0, 0, 0, 0, 9, 1, 2}, "3");
    }

    @Test
    void keepsTheMessageVerbatimWithStageReasonAndOrigin() {
        GenericRecord record = RejectionRecords.build(schema, rejection(Reasons.UNKNOWN_EXPERIMENT), RECEIVED.plusSeconds(2));
        assertEquals("processor", record.get("stage").toString());
        assertEquals("avro", record.get("payload_format").toString());
        assertEquals(Reasons.UNKNOWN_EXPERIMENT, record.get("reason"));
        assertEquals("$.properties.experiment_key", record.get("path"));
        assertEquals("ios-key", record.get("write_key_id"));
        assertEquals("analytics-ios", record.get("library_name"));
        assertEquals("3", record.get("schema_version"));
        assertEquals(RECEIVED.toEpochMilli(), record.get("received_at"));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 9, 1, 2}, ((ByteBuffer) record.get("payload")).array());
    }

    @Test
    void theSameRefusalHasTheSameIdSoARepublishedOneIsRecognizable() {
        assertEquals(RejectionRecords.rejectionId(rejection(Reasons.UNKNOWN_EXPERIMENT)),
                RejectionRecords.rejectionId(rejection(Reasons.UNKNOWN_EXPERIMENT)));
        assertNotEquals(RejectionRecords.rejectionId(rejection(Reasons.UNKNOWN_EXPERIMENT)),
                RejectionRecords.rejectionId(rejection(Reasons.UNKNOWN_VARIANT)));
    }
}
