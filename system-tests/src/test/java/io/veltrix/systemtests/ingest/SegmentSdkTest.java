package io.veltrix.systemtests.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.schemas.Topics;
import io.veltrix.schemas.codec.RegistryCodec;
import io.veltrix.stack.ServiceProcess;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import io.veltrix.testing.TopicProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An unmodified, off-the-shelf Segment SDK (the official {@code @segment/analytics-node}, pinned in
 * src/test/node/package-lock.json, installed with {@code npm ci} into target/node-sdk) pointed at ingest with a
 * write key delivers identify and track events: they are on events.raw, sent by that SDK, and counted by the
 * processor. The write key comes from a write-keys file named by the environment (VELTRIX_INGEST_WRITE_KEYS_FILE),
 * as a mounted Secret would provide it. Needs Node.js 20+ and npm, and the npm registry (or a warm npm cache):
 * without them the test fails and says so.
 */
class SegmentSdkTest {

    private static final Path NODE_SOURCES = TestServices.projectRoot().resolve("system-tests/src/test/node");
    private static final Path NODE_WORK = TestServices.projectRoot().resolve("system-tests/target/node-sdk");

    private static StackInfo stack;
    private static ServiceProcess ingest;
    private static String writeKey;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        installSdk();
        stack = TestServices.get().stack();   // the processor counts
        writeKey = "wk_sdk_" + UUID.randomUUID();
        Path keys = TestServices.projectRoot().resolve("system-tests/target/sdk-write-keys-" + UUID.randomUUID() + ".properties");
        Files.createDirectories(keys.getParent());
        Files.writeString(keys, "th-node.key=" + writeKey + "\nth-node.source=" + IngestProcesses.SOURCE + "\n");
        ingest = IngestProcesses.builder(stack, "sdk-ingest")
                .env("VELTRIX_INGEST_WRITE_KEYS_FILE", keys.toString())
                .start();
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.stop();
        }
    }

    @Test
    void theSegmentNodeSdkDeliversTrackAndIdentifyEvents() throws Exception {
        Instant started = Instant.now();
        String player = "sdk-player-" + UUID.randomUUID();
        Instant minute = Instant.now().minus(Duration.ofMinutes(5 + ThreadLocalRandom.current().nextInt(20 * 24 * 60)))
                .truncatedTo(ChronoUnit.MINUTES);
        int tracks = 7;

        Result result = run(List.of(node(), NODE_WORK.resolve("segment-sdk.mjs").toString()), NODE_WORK, Map.of(
                "INGEST_URL", ingest.baseUrl(), "WRITE_KEY", writeKey, "USER_ID", player,
                "EVENT_COUNT", Integer.toString(tracks), "TIMESTAMP", minute.plusSeconds(11).toString()), Duration.ofSeconds(90));
        assertEquals(0, result.exitCode(), "the SDK reported a failure:\n" + result.output());
        assertTrue(result.output().contains("\"http\":200"), result.output());

        try (TopicProbe probe = TopicProbe.since(stack, started);
             RegistryCodec codec = RegistryCodec.connect(stack.registryUrl(), null)) {
            List<Message<byte[]>> messages = probe.await(Topics.RAW, m -> player.equals(m.getKey()), tracks + 1,
                    Duration.ofSeconds(30));
            long identifies = messages.stream().filter(m -> "identify".equals(m.getProperty(Topics.PROP_EVENT_TYPE))).count();
            long clues = messages.stream().filter(m -> "clue_found".equals(m.getProperty(Topics.PROP_EVENT_TYPE))).count();
            assertEquals(1, identifies);
            assertEquals(tracks, clues);
            for (Message<byte[]> message : messages) {
                GenericRecord envelope = (GenericRecord) codec.decode(message.getValue()).record().get("envelope");
                GenericRecord library = (GenericRecord) envelope.get("library");
                assertEquals("@segment/analytics-node", library.get("name").toString(), "sent by the SDK itself");
                assertEquals("th-node", envelope.get("write_key_id").toString(), "the key from the write-keys file");
                assertTrue(envelope.get("event_id").toString().startsWith("node-next-"), "the SDK's own messageId");
                assertEquals(minute.plusSeconds(11).toEpochMilli(), envelope.get("original_timestamp"));
            }
        }

        Database db = new Database(stack);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> db.number("select count(*) from processing.processed_event where player_id = ?", player) == tracks + 1);
        OffsetDateTime at = OffsetDateTime.ofInstant(minute, ZoneOffset.UTC);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> db.number("select coalesce(sum(events), 0) from processing.traffic_minute "
                        + "where event_type = 'clue_found' and minute = ?", at) >= tracks);
        assertEquals(1, db.number("select count(*) from processing.processed_event where player_id = ? "
                + "and event_type = 'identify'", player));
    }

    /** Copies package.json, its lock and the script to target/node-sdk and runs npm ci there once. */
    private static void installSdk() throws IOException, InterruptedException {
        String nodeVersion = requireTool(List.of(node(), "--version"), "Node.js 20+ (node)");
        int major = Integer.parseInt(nodeVersion.trim().replaceFirst("^v", "").split("\\.")[0]);
        if (major < 20) {
            throw new AssertionError("the Segment SDK test needs Node.js 20 or newer, found " + nodeVersion.trim());
        }
        requireTool(List.of(npm(), "--version"), "npm");
        Files.createDirectories(NODE_WORK);
        boolean changed = false;
        for (String file : List.of("package.json", "package-lock.json", "segment-sdk.mjs")) {
            Path target = NODE_WORK.resolve(file);
            byte[] source = Files.readAllBytes(NODE_SOURCES.resolve(file));
            if (!Files.exists(target) || !java.util.Arrays.equals(source, Files.readAllBytes(target))) {
                Files.copy(NODE_SOURCES.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
                changed |= !file.endsWith(".mjs");
            }
        }
        if (changed || !Files.isDirectory(NODE_WORK.resolve("node_modules/@segment/analytics-node"))) {
            Result install = run(List.of(npm(), "ci", "--no-audit", "--no-fund", "--loglevel=error"), NODE_WORK, Map.of(),
                    Duration.ofMinutes(5));
            if (install.exitCode() != 0) {
                throw new AssertionError("npm ci of @segment/analytics-node failed (is the npm registry reachable?):\n"
                        + install.output());
            }
        }
    }

    private static String requireTool(List<String> command, String what) throws InterruptedException {
        try {
            Result result = run(command, NODE_SOURCES, Map.of(), Duration.ofSeconds(30));
            if (result.exitCode() != 0) {
                throw new AssertionError(what + " does not work (" + String.join(" ", command) + "):\n" + result.output());
            }
            return result.output();
        } catch (IOException e) {
            throw new AssertionError("the Segment SDK test needs " + what + " on the PATH (set VELTRIX_NODE / VELTRIX_NPM "
                    + "to use other binaries): " + e.getMessage(), e);
        }
    }

    private static String node() {
        return System.getenv().getOrDefault("VELTRIX_NODE", "node");
    }

    private static String npm() {
        return System.getenv().getOrDefault("VELTRIX_NPM", "npm");
    }

    record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("veltrix-node", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
