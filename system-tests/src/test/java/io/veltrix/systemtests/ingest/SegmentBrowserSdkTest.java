package io.veltrix.systemtests.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.stack.Ports;
import io.veltrix.stack.ServiceProcess;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.Browser;
import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import io.veltrix.testing.TopicProbe;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Segment's browser SDK, {@code @segment/analytics-next} unmodified (pinned in src/test/browser/package-lock.json,
 * installed with {@code npm ci} into target/browser-sdk), runs in headless Chromium on a page of another origin
 * (http://127.0.0.1:port) than ingest (http://localhost:port), as on a web build of the game: its requests are
 * cross-origin, text/plain, to Segment's short paths (/v1/i, /v1/t, /v1/p) with the write key in the body. Ingest
 * answers CORS for the page's origin (QUARKUS_HTTP_CORS_ORIGINS) and the events are counted by the processor.
 * Needs Debian's chromium and chromedriver (installed with apt-get when missing and root), npm and the npm registry.
 */
class SegmentBrowserSdkTest {

    private static final Path SOURCES = TestServices.projectRoot().resolve("system-tests/src/test/browser");
    private static final Path WORK = TestServices.projectRoot().resolve("system-tests/target/browser-sdk");

    private static StackInfo stack;
    private static ServiceProcess ingest;
    private static HttpServer page;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        installSdk();
        stack = TestServices.get().stack(); // the processor counts
        Path bundles = WORK.resolve("node_modules/@segment/analytics-next/dist/umd");
        page = HttpServer.create(new InetSocketAddress("127.0.0.1", Ports.freePort()), 0);
        page.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Path file = path.equals("/game.html") ? WORK.resolve("game-page.html")
                    : path.startsWith("/analytics-next/bundles/") ? bundles.resolve(path.substring(24)).normalize() : null;
            if (file == null || !file.startsWith(WORK) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] bytes = Files.readAllBytes(file);
            exchange.getResponseHeaders().add("Content-Type", path.endsWith(".html") ? "text/html; charset=utf-8"
                    : "application/javascript");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        page.start();
        String origin = "http://127.0.0.1:" + page.getAddress().getPort();
        ingest = IngestProcesses.builder(stack, "browser-ingest").env("QUARKUS_HTTP_CORS_ORIGINS", origin).start();
        browser = Browser.start(900);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (page != null) {
            page.stop(0);
        }
        if (ingest != null) {
            ingest.stop();
        }
    }

    @Test
    void theSegmentBrowserSdkOnAnotherOriginDeliversAndItsEventsAreCounted() throws Exception {
        Instant started = Instant.now();
        String player = "web-player-" + UUID.randomUUID();
        browser.get("http://127.0.0.1:" + page.getAddress().getPort() + "/game.html?writeKey=" + IngestProcesses.WRITE_KEY
                + "&ingestHost=localhost:" + ingest.httpPort() + "&player=" + player);
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> {
            String error = d.findElement(By.tagName("body")).getDomAttribute("data-error");
            if (error != null) {
                fail("the SDK failed in the page: " + error);
            }
            return "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-sent"));
        });

        try (TopicProbe probe = TopicProbe.since(stack, started);
             RegistryCodec codec = RegistryCodec.connect(stack.registryUrl(), null)) {
            List<Message<byte[]>> messages = probe.await(Topics.RAW, m -> player.equals(m.getKey()), 5, Duration.ofSeconds(60));
            assertEquals(List.of("identify", "clue_found", "clue_found", "clue_found", "page"),
                    messages.stream().map(m -> m.getProperty(Topics.PROP_EVENT_TYPE)).sorted((a, b) -> order(a) - order(b)).toList());
            for (Message<byte[]> message : messages) {
                GenericRecord envelope = (GenericRecord) codec.decode(message.getValue()).record().get("envelope");
                assertEquals("analytics.js", ((GenericRecord) envelope.get("library")).get("name").toString(),
                        "sent by Segment's browser SDK itself");
                assertEquals("st", envelope.get("write_key_id").toString(), "the write key from the request body");
                assertTrue(envelope.get("event_id").toString().startsWith("ajs-next-"), "the SDK's own messageId");
            }
        }
        Database db = new Database(stack);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> db.number("select count(*) from processing.processed_event where player_id = ?", player) == 5);
        assertEquals(3, db.number("select count(*) from processing.processed_event where player_id = ? "
                + "and event_type = 'clue_found'", player));
    }

    private static int order(String type) {
        return List.of("identify", "clue_found", "page").indexOf(type);
    }

    /** Copies package.json, its lock and the page to target/browser-sdk and runs npm ci there once. */
    private static void installSdk() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        boolean changed = false;
        for (String file : List.of("package.json", "package-lock.json", "game-page.html")) {
            Path target = WORK.resolve(file);
            byte[] source = Files.readAllBytes(SOURCES.resolve(file));
            if (!Files.exists(target) || !java.util.Arrays.equals(source, Files.readAllBytes(target))) {
                Files.copy(SOURCES.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
                changed |= file.startsWith("package");
            }
        }
        if (changed || !Files.isDirectory(WORK.resolve("node_modules/@segment/analytics-next/dist/umd"))) {
            run(List.of(System.getenv().getOrDefault("VELTRIX_NPM", "npm"), "ci", "--no-audit", "--no-fund",
                    "--loglevel=error"), WORK, Duration.ofMinutes(5));
        }
    }

    private static void run(List<String> command, Path dir, Duration timeout) throws IOException, InterruptedException {
        File log = File.createTempFile("veltrix-browser-sdk", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log);
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + timeout);
            }
            if (process.exitValue() != 0) {
                fail(String.join(" ", command) + " failed (exit " + process.exitValue() + "; is the registry reachable?):\n"
                        + Files.readString(log.toPath(), StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(log.toPath());
        }
    }
}
