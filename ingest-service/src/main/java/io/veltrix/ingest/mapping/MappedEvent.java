package io.veltrix.ingest.mapping;

import io.veltrix.schemas.codec.RegisteredSchema;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * One event of a request after mapping: either a record ready to publish, or the violations that refuse it.
 * Fields that could not be read are null.
 *
 * @param path     JSON path of the event in the request body
 * @param eventType the event type, e.g. {@code treasure_claimed}
 * @param eventId  the messageId (given or generated)
 * @param playerId userId or anonymousId
 * @param schema   the registry version checked against
 * @param record   the Avro record (null when refused)
 * @param library  SDK name and version, for the rejection summary
 * @param violations empty when the event is valid
 */
public record MappedEvent(String path, String eventType, String eventId, String playerId, RegisteredSchema schema,
                          GenericRecord record, String library, String libraryVersion, List<Violation> violations) {

    public boolean valid() {
        return violations.isEmpty();
    }

    /** The violation reported as the event's reason. */
    public Violation firstViolation() {
        return violations.get(0);
    }
}
