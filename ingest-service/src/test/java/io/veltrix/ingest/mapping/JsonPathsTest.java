package io.veltrix.ingest.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPathsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "coins        | $.properties.coins",
            "_private     | $.properties._private",
            "Coins2       | $.properties.Coins2",
            "2coins       | $.properties['2coins']",
            "coin-count   | $.properties['coin-count']",
            "coin count   | $.properties['coin count']",
            "it's         | $.properties['it\\'s']",
            "pièces       | $.properties['pièces']",
            "\"\"         | $.properties['']",
    })
    void childPathsQuoteWhatIsNotAnIdentifier(String key, String expected) {
        assertEquals(expected, JsonPaths.child("$.properties", key));
    }

    @ParameterizedTest
    @CsvSource({"a,true", "Z9_,true", "_,true", "9,false", "a.b,false", "a[0],false", "ä,false"})
    void simpleKeysAreJavaScriptIdentifiersInAscii(String key, boolean simple) {
        assertEquals(simple, JsonPaths.isSimpleKey(key));
    }
}
