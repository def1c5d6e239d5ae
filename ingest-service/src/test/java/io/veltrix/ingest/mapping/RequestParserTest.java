package io.veltrix.ingest.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestParserTest {

    private final RequestParser parser = new RequestParser(new ObjectMapper());

    @Test
    void keepsEachEventsBytesVerbatim() throws Exception {
        String first = "{ \"type\" : \"track\",\n  \"event\":\"clue_found\" }";
        String second = "{\"type\":\"identify\",\"userId\":\"é\"}";
        String body = "{\"writeKey\":\"k\",\"batch\":[ " + first + " ,\n" + second + "],\"sentAt\":\"2026-01-01T00:00:00Z\"}";
        RequestParser.ParsedRequest request = parser.parseBatch(body.getBytes(StandardCharsets.UTF_8));
        assertEquals(2, request.events().size());
        assertEquals(first, new String(request.events().get(0).raw(), StandardCharsets.UTF_8));
        assertEquals(second, new String(request.events().get(1).raw(), StandardCharsets.UTF_8));
        assertEquals("$.batch[1]", request.events().get(1).path());
        assertEquals("k", request.writeKey());
        assertEquals("2026-01-01T00:00:00Z", request.sentAt().textValue());
    }

    @Test
    void refusesMalformedAndMisshapenBodies() {
        assertReason(Reasons.MALFORMED_JSON, "{\"batch\":[{\"type\":");
        assertReason(Reasons.MALFORMED_JSON, "not json");
        assertReason(Reasons.MALFORMED_JSON, "{\"batch\":[]} trailing");
        assertReason(Reasons.EMPTY_BATCH, "{\"batch\":[]}");
        assertReason(Reasons.INVALID_REQUEST, "{\"events\":[]}");
        assertReason(Reasons.INVALID_REQUEST, "{\"batch\":{}}");
        assertReason(Reasons.INVALID_REQUEST, "[1,2]");
    }

    @org.junit.jupiter.api.Test
    void refusesAKeyTwiceInAnObject() {
        // a second "batch" would silently drop the first array's events
        assertReason(Reasons.DUPLICATE_KEY, "{\"batch\":[{\"type\":\"page\",\"userId\":\"a\"}],\"batch\":[]}");
        assertReason(Reasons.DUPLICATE_KEY, "{\"batch\":[{\"type\":\"page\",\"userId\":\"a\",\"userId\":\"b\"}]}");
    }

    private void assertReason(String reason, String body) {
        RequestParser.InvalidRequestException e = assertThrows(RequestParser.InvalidRequestException.class,
                () -> parser.parseBatch(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(reason, e.reason(), e.getMessage());
    }
}
