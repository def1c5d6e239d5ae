package io.veltrix.ingest.service.writekey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WriteKeysFileTest {

    @Test
    void readsProperties() {
        Map<String, WriteKeysFile.Entry> keys = WriteKeysFile.parse("""
                # comment
                th-ios.key = wk_1
                th-ios.source=treasure-hunt
                veltrix.ingest.write-keys.th.web.key=wk_2
                veltrix.ingest.write-keys.th.web.source=treasure-hunt-web
                """);
        assertEquals(Map.of("th-ios", new WriteKeysFile.Entry("wk_1", "treasure-hunt"),
                "th.web", new WriteKeysFile.Entry("wk_2", "treasure-hunt-web")), keys);
    }

    @Test
    void readsJson() {
        assertEquals(Map.of("a", new WriteKeysFile.Entry("k", "s")),
                WriteKeysFile.parse("  {\"a\": {\"key\": \"k\", \"source\": \"s\"}}\n"));
    }

    @Test
    void anEmptyFileHasNoKeys() {
        assertTrue(WriteKeysFile.parse("").isEmpty());
        assertTrue(WriteKeysFile.parse("# nothing yet\n").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "a.key=k",                                              // no source
            "a.source=s",                                           // no key
            "a.key=k\na.source=s\nb.key=k\nb.source=t",             // one secret, two ids
            "a.secret=k",                                           // unknown attribute
            "key=k",                                                // no id
            "{\"a\": {\"key\": \"k\"}}",                            // JSON without source
            "{\"a\": {\"key\": \"k\", \"source\": \"s\", \"x\": 1}}", // JSON unknown attribute
            "{\"a\": \"k\"}",                                       // JSON not an object
            "{\"a\": {",                                            // broken JSON
            "b@d.key=k\nb@d.source=s"                              // bad id
    })
    void refusesAFileWithAnyProblem(String content) {
        assertThrows(IllegalArgumentException.class, () -> WriteKeysFile.parse(content));
    }

    @Test
    void aFileKeyIdReplacesTheConfiguredOneAndSecretsStayUnique() {
        Map<String, WriteKeysFile.Entry> configured = Map.of("a", new WriteKeysFile.Entry("k1", "s1"));
        var merged = WriteKeys.index(configured, Map.of("a", new WriteKeysFile.Entry("k2", "s1")));
        assertEquals(Map.of("k2", new WriteKeys.WriteKey("a", "s1")), merged);
        assertThrows(IllegalArgumentException.class,
                () -> WriteKeys.index(configured, Map.of("b", new WriteKeysFile.Entry("k1", "s2"))));
    }
}
