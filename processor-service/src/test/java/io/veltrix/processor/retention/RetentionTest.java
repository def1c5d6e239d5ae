package io.veltrix.processor.retention;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.veltrix.processor.RawEvents;
import io.veltrix.schemas.Topics;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.Database;
import io.veltrix.testing.RealStackResource;
import io.veltrix.testing.TopicProbe;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.apache.pulsar.client.api.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Storage stays bounded while events flow: with a retention of 45 s in partitions of 15 s (a database of its own),
 * the retention job creates partitions ahead and drops old ones while a stream of events is counted; the event log
 * then holds only the last minute or so, and every count (traffic per minute) equals what was sent, each event once,
 * copies included. An event older than the log reaches is refused as beyond_retention, never counted.
 */
@QuarkusTest
@TestProfile(RetentionTest.ShortRetention.class)
class RetentionTest {

    /** The management interface (health, metrics, OpenAPI: a port of their own). */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static final Pattern DROPPED = Pattern.compile("(?m)^veltrix_processor_retention_partitions_dropped_total ([0-9.E]+)$");
    private static Database db;
    private static RawEvents raw;
    private static StackInfo stack;

    /** Short retention, in a database of its own (dropping partitions must not touch the other tests' data). */
    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("veltrix.processor.retention.events", "PT45S",
                    "veltrix.processor.retention.partition-width", "PT15S",
                    "veltrix.processor.retention.dedupe-tolerance", "PT2S",
                    "veltrix.processor.retention.interval", "PT3S");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RetentionDatabase.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** The test stack, with a fresh database {@value #DATABASE} instead of the shared one. */
    public static class RetentionDatabase extends RealStackResource {
        static final String DATABASE = "veltrix_retention";

        @Override
        public Map<String, String> start() {
            StackInfo shared = TestStack.get();
            Database admin = Database.admin(shared);
            admin.execute("drop database if exists " + DATABASE + " with (force)");
            admin.execute("create database " + DATABASE + " owner \"" + shared.processorDb().user() + "\"");
            Map<String, String> config = new HashMap<>(super.start());
            config.put("veltrix.db.jdbc-url", shared.jdbcUrl().replace("/veltrix", "/" + DATABASE));
            config.put("veltrix.db.reactive-url", shared.reactiveUrl().replace("/veltrix", "/" + DATABASE));
            return config;
        }
    }

    @BeforeAll
    static void connect() {
        stack = RealStackResource.TestStack.get();
        db = new Database(stack.jdbcUrl().replace("/veltrix", "/" + RetentionDatabase.DATABASE), stack.processorDb().user(),
                stack.processorDb().password());
        raw = new RawEvents(stack);
    }

    @AfterAll
    static void close() {
        raw.close();
    }

    @Test
    void partitionsAreCreatedAndDroppedWhileEventsFlowAndNoCountChanges() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Random random = new Random(run.hashCode());
        Set<String> partitionsAtStart = partitions();
        double droppedAtStart = dropped();
        Map<String, Long> expectedTraffic = new TreeMap<>();
        List<GenericRecord> sent = new ArrayList<>();
        Instant end = Instant.now().plusSeconds(80);
        int batch = 0;
        while (Instant.now().isBefore(end)) {
            List<GenericRecord> events = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Instant at = Instant.now().minusMillis(random.nextInt(2000));
                events.add(raw.treasureClaimed("ret-" + run + "-" + batch + "-" + i, "ret-" + run + "-p" + random.nextInt(10),
                        at, 1 + random.nextInt(100)));
                expectedTraffic.merge(at.truncatedTo(ChronoUnit.MINUTES).toString(), 1L, Long::sum);
            }
            // now and then the same events once more (a redelivery, a client retry): counted once
            List<GenericRecord> publish = new ArrayList<>(events);
            if (batch % 5 == 0 && !sent.isEmpty()) {
                publish.addAll(sent.subList(Math.max(0, sent.size() - 10), sent.size()));
            }
            raw.publish(publish.toArray(GenericRecord[]::new));
            sent.addAll(events);
            batch++;
            // a paced stream, about 40 events a second
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertEquals(expectedTraffic, traffic(expectedTraffic.keySet()), "traffic per minute"));

        // the job dropped partitions that held events of this stream, and created new ones after the start
        assertTrue(dropped() >= droppedAtStart + 3, "partitions dropped while events flowed: " + (dropped() - droppedAtStart));
        Set<String> now = partitions();
        assertTrue(now.stream().anyMatch(p -> !partitionsAtStart.contains(p)), "partitions created while events flowed");
        assertTrue(partitionsAtStart.stream().anyMatch(p -> !now.contains(p)), "partitions of the start dropped");
        long logged = db.number("select count(*) from processing.processed_event where player_id like ?", "ret-" + run + "-%");
        assertTrue(logged > 0 && logged < sent.size(), "the event log keeps only the last ~minute: " + logged + " of " + sent.size());
        assertEquals(0, db.number("select count(*) from processing.processed_event where occurred_at < now() - interval '75 seconds'"));
        // the traffic of the oldest minutes is still there, although their events left the log
        assertEquals(expectedTraffic, traffic(expectedTraffic.keySet()));
    }

    @Test
    void anEventOlderThanTheLogReachesIsRefusedAsBeyondRetention() {
        String id = "ret-old-" + UUID.randomUUID();
        Instant published = Instant.now().minusSeconds(1);
        // ingest's rules accept it (30 days of age are allowed), but the log keeps 45 s: a copy counted earlier could
        // no longer be recognized
        raw.publish(raw.treasureClaimed(id, "p-" + id, Instant.now().minus(Duration.ofMinutes(2)), 7));
        Message<byte[]> rejection = TopicProbe.awaitOne(stack, published, Topics.REJECTED,
                TopicProbe.property(Topics.PROP_EVENT_ID, id), Duration.ofSeconds(30));
        assertEquals("beyond_retention", rejection.getProperty("reason"));
        assertEquals("processor", rejection.getProperty("stage"));
        assertEquals(0, db.number("select count(*) from processing.processed_event where player_id = ?", "p-" + id));
    }

    private static Set<String> partitions() {
        Set<String> names = new HashSet<>();
        db.rows("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                + "where i.inhparent = cast('processing.processed_event' as regclass)")
                .forEach(row -> names.add((String) row.get("relname")));
        return names;
    }

    private double dropped() {
        String metrics = given().port(management.getPort()).when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = DROPPED.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static Map<String, Long> traffic(Set<String> minutes) {
        Map<String, Long> counts = new TreeMap<>();
        for (String minute : minutes) {
            counts.put(minute, db.number("select events from processing.traffic_minute where event_type = 'treasure_claimed' "
                    + "and minute = ?", java.sql.Timestamp.from(Instant.parse(minute))));
        }
        return counts;
    }
}
