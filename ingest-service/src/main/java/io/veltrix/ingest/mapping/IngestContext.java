package io.veltrix.ingest.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What one request tells about all of its events.
 *
 * @param receivedAt  when the request arrived
 * @param writeKeyId  id of the write key used
 * @param sourceId    the source (game) of that key
 * @param clientIp    the caller's address, used when the event's context has no ip
 * @param batchSentAt the batch's {@code sentAt}, for events that carry none
 * @param batchContext the batch's {@code context}, merged under each event's own
 */
public record IngestContext(Instant receivedAt, String writeKeyId, String sourceId, String clientIp,
                            JsonNode batchSentAt, JsonNode batchContext) {
}
