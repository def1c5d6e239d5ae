package io.veltrix.processor;

/**
 * One message of {@code events.raw} as the processor's logic sees it, without Pulsar types (the channel adapter
 * makes these from the connector's messages; tests make them by hand).
 *
 * @param payload         Apicurio-framed Avro
 * @param publishTime     when ingest published it (epoch ms)
 * @param schemaVersion   message property {@code schema_version}, may be null
 * @param redeliveryCount how often Pulsar delivered it before
 * @param messageId       Pulsar's message id, for logs (its {@code toString()})
 */
public record RawEvent(byte[] payload, long publishTime, String schemaVersion, int redeliveryCount, Object messageId) {
}
