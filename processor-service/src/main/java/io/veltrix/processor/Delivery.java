package io.veltrix.processor;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * A message of {@code events.raw} being processed, as the processor's logic sees it, without Pulsar types (the
 * channel adapter wraps the connector's messages; tests make their own).
 */
public interface Delivery {

    /** Apicurio-framed Avro. */
    byte[] payload();

    /** When ingest published it (epoch ms). */
    long publishTime();

    /** How often Pulsar delivered it before. */
    int redeliveryCount();

    /** The registry version of its schema (message property {@code schema_version}), or null. */
    String schemaVersion();

    /** Pulsar's id of the message, for logs. */
    String messageId();

    /** Cannot be processed: redelivered with backoff, dead-lettered after the bounded redeliveries. */
    Uni<Void> nack(Throwable reason);

    /** Settles deliveries: done with them (counted, found already counted, or refused and kept on events.rejected). */
    interface Acknowledger {
        Uni<Void> ack(List<Delivery> done);
    }
}
