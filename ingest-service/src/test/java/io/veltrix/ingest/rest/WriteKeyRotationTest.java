package io.veltrix.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.veltrix.testing.RealStackResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Write keys rotate by editing the write-keys file (in the tests: target/test-write-keys.properties, checked every
 * 0.5 s): a new key works, a removed key is refused, a broken file changes nothing. No restart.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class WriteKeyRotationTest {

    static final Path FILE = Path.of("target/test-write-keys.properties");

    @AfterEach
    void emptyTheFile() throws IOException {
        write("");
    }

    @Test
    void aKeyIsRotatedByEditingTheFile() throws IOException {
        String oldKey = "wk_old_" + UUID.randomUUID();
        String newKey = "wk_new_" + UUID.randomUUID();
        awaitStatus(oldKey, 401);

        write("# the game's key\nth-ios.key=" + oldKey + "\nth-ios.source=treasure-hunt\n");
        awaitStatus(oldKey, 200);

        // rotation: both keys valid during the overlap, then the old one removed
        write("th-ios.key=" + oldKey + "\nth-ios.source=treasure-hunt\nth-ios-2.key=" + newKey
                + "\nth-ios-2.source=treasure-hunt\n");
        awaitStatus(newKey, 200);
        status(oldKey, 200);
        write("{\"th-ios-2\": {\"key\": \"" + newKey + "\", \"source\": \"treasure-hunt\"}}");
        awaitStatus(oldKey, 401);
        status(newKey, 200);

        // a broken file is refused as a whole: the keys in use stay
        write("th-ios-3.key=" + oldKey + "\n");
        awaitStatus(newKey, 200);
        status(oldKey, 401);
        // the configured keys are never affected
        status("test-write-key", 200);
    }

    private static void awaitStatus(String key, int expected) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> send(key) == expected);
    }

    private static void status(String key, int expected) {
        int actual = send(key);
        if (actual != expected) {
            throw new AssertionError("key " + key + ": expected HTTP " + expected + ", got " + actual);
        }
    }

    private static int send(String key) {
        return given().auth().preemptive().basic(key, "").contentType(ContentType.JSON)
                .body("{\"userId\":\"p-rotation\",\"traits\":{}}")
                .when().post("/v1/identify")
                .then().extract().statusCode();
    }

    /** Replaces the file atomically, as a Kubernetes Secret update does. */
    private static void write(String content) throws IOException {
        Files.createDirectories(FILE.toAbsolutePath().getParent());
        Path temp = Files.createTempFile(FILE.toAbsolutePath().getParent(), "write-keys", ".tmp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
