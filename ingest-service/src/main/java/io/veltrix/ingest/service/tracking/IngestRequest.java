package io.veltrix.ingest.service.tracking;

import io.veltrix.ingest.mapping.CallType;

/**
 * A tracking request as it arrived.
 *
 * @param body            the body, possibly compressed
 * @param contentEncoding the Content-Encoding header (gzip or none)
 * @param authorization   the Authorization header (HTTP Basic with the write key as user), may be null
 * @param callType        the single-event endpoint's call type, or null for {@code /v1/batch}
 * @param clientIp        the caller's address
 */
public record IngestRequest(byte[] body, String contentEncoding, String authorization, CallType callType, String clientIp) {
}
