package io.veltrix.schemas.codec;

import org.apache.avro.generic.GenericRecord;

/**
 * A message read back from Pulsar.
 *
 * @param contentId the registry content id found in the payload
 * @param record    the event, read with the schema the registry returns for that content id
 */
public record DecodedEvent(long contentId, GenericRecord record) {

    /** Full name of the record's schema, e.g. {@code io.veltrix.events.TreasureClaimed}. */
    public String schemaName() {
        return record.getSchema().getFullName();
    }
}
