package io.veltrix.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventKeysTest {

    @Test
    void theKeyIsTheFirst128BitsOfSha256OverTheLengthPrefixedPair() {
        // python3: uuid.UUID(bytes=hashlib.sha256(b'4:gamee-1').digest()[:16])
        assertEquals(UUID.fromString("51696027-faa2-6220-c34c-b709a36ae5dc"), EventKeys.of("game", "e-1"));
        // the prefix is the UTF-8 length of the source: 'trésor' is 7 bytes
        assertEquals(UUID.fromString("c44233f8-3ca5-4f86-235a-9e2813917f0d"), EventKeys.of("trésor", "msg-ü"));
    }

    @Test
    void theLengthPrefixKeepsThePairUnambiguous() {
        assertNotEquals(EventKeys.of("ab", "c"), EventKeys.of("a", "bc"));
    }
}
