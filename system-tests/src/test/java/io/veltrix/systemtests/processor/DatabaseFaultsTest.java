package io.veltrix.systemtests.processor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the database that are not an outage, injected into the real PostgreSQL while events stream through
 * ingest, held until the processor has noticed (it says so in its readiness, with the SQLSTATE), then repaired:
 * afterwards every accepted event is counted exactly once, nothing went to the dead-letter topic, and the processor
 * is ready again by itself.
 */
class DatabaseFaultsTest extends PlatformTest {

    private static final String APP = "veltrix-processor";
    private static Database admin;

    @BeforeAll
    static void administrator() {
        admin = Database.admin(services.stack());
    }

    @Test
    void aRevokedGrantIsWaitedOutUntilItIsGrantedAgain() throws Exception {
        streamThrough("revoke", "42501",
                () -> admin.execute("revoke insert, update on processing.traffic_minute from " + role()),
                () -> admin.execute("grant insert, update on processing.traffic_minute to " + role()));
    }

    @Test
    void aRenamedTableIsWaitedOutUntilItIsBack() throws Exception {
        streamThrough("rename", "42P01",
                () -> admin.execute("alter table processing.participant_metric rename to participant_metric_away"),
                () -> admin.execute("alter table processing.participant_metric_away rename to participant_metric"));
    }

    @Test
    void aReadOnlyFailoverIsWaitedOutAndTheProcessorRecoversWithoutARestart() throws Exception {
        streamThrough("read-only", "25006", () -> {
            // what a failover to a read-only server looks like to the processor: its connections drop, and the new
            // ones are read-only
            admin.execute("alter database veltrix set default_transaction_read_only = on");
            terminateProcessorSessions();
        }, () -> admin.execute("alter database veltrix reset default_transaction_read_only"));
    }

    @Test
    void aChangedPasswordIsWaitedOutUntilTheRightOneIsBack() throws Exception {
        streamThrough("password", "28P01", () -> {
            admin.execute("alter role " + role() + " password '" + UUID.randomUUID() + "'");
            terminateProcessorSessions();
        }, () -> admin.execute("alter role " + role() + " password '" + services.stack().processorDb().password().replace("'", "''") + "'"));
    }

    @Test
    void aConnectionLimitIsWaitedOutUntilItIsLifted() throws Exception {
        // what "too many connections" looks like to the processor: its sessions end, and new ones are refused
        streamThrough("connection-limit", "53300", () -> {
            admin.execute("alter role " + role() + " connection limit 0");
            terminateProcessorSessions();
        }, () -> admin.execute("alter role " + role() + " connection limit -1"));
    }

    @Test
    void aLockHeldLongerThanTheLockTimeoutIsWaitedOut() throws Exception {
        // another session (a migration, an operator's long transaction) holds a lock on an aggregates table: every
        // batch waits lock_timeout and fails; reads go on (EXCLUSIVE lets SELECT through)
        Connection[] holder = new Connection[1];
        streamThrough("lock-timeout", "55P03", () -> {
            try {
                holder[0] = admin.connect();
                holder[0].setAutoCommit(false);
                try (Statement lock = holder[0].createStatement()) {
                    lock.execute("lock table processing.traffic_minute in exclusive mode");
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot take the lock", e);
            }
        }, () -> {
            if (holder[0] == null) {
                return;
            }
            try (Connection held = holder[0]) {
                held.commit();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot release the lock", e);
            }
        });
    }

    /**
     * A full disk, for real: the event log's partitions moved into a tablespace on a small tmpfs, which is then filled
     * up, so that PostgreSQL cannot extend them (SQLSTATE 53100, "could not extend file": what a full volume does);
     * repaired by deleting the filler. Needs a machine that lets the test mount a tmpfs (root, as the benchmark's and
     * CI's machines): elsewhere it is skipped, and says why.
     */
    @Test
    void aFullDiskIsWaitedOutUntilThereIsRoomAgain() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(statePid("postgres.pid"))) {
            streamThrough("disk-full", "53100", disk::fill, disk::free);
        }
    }

    /** A tmpfs holding the event log's partitions (a tablespace of their own) while the test runs. */
    private static final class SmallDisk implements AutoCloseable {
        private static final String TABLESPACE = "veltrix_small_disk";
        /** The player of the rows that take up the room left in the partitions' pages. */
        private static final String FILLER = "veltrix-disk-filler";
        private final java.nio.file.Path dir;
        private final java.util.List<String> partitions = new java.util.ArrayList<>();
        private boolean mounted;
        private boolean created;

        private SmallDisk(java.nio.file.Path dir) {
            this.dir = dir;
        }

        static SmallDisk mount(long postgresPid) throws Exception {
            java.util.List<java.util.Map<String, Object>> rows = admin.rows("""
                    select c.oid::regclass::text as partition, pg_table_size(c.oid) as bytes from pg_inherits i
                    join pg_class c on c.oid = i.inhrelid where i.inhparent = 'processing.processed_event'::regclass""");
            long bytes = 0;
            for (java.util.Map<String, Object> row : rows) {
                bytes += ((Number) row.get("bytes")).longValue();
            }
            // the partitions, room for the events streamed before the disk is filled, and no more
            long size = bytes + 32L * 1024 * 1024;
            Object uid = Files.getAttribute(java.nio.file.Path.of("/proc/" + postgresPid), "unix:uid");
            SmallDisk disk = new SmallDisk(Files.createTempDirectory("veltrix-small-disk"));
            try {
                int mount = run("mount", "-t", "tmpfs", "-o", "size=" + size + ",uid=" + uid + ",mode=0700", "tmpfs",
                        disk.dir.toString());
                org.junit.jupiter.api.Assumptions.assumeTrue(mount == 0,
                        "cannot mount a tmpfs on this machine (needs root): the full-disk fault is not injected");
                disk.mounted = true;
                admin.execute("create tablespace " + TABLESPACE + " location '" + disk.dir + "'");
                disk.created = true;
                for (java.util.Map<String, Object> row : rows) {
                    String partition = (String) row.get("partition");
                    admin.execute("alter table " + partition + " set tablespace " + TABLESPACE);
                    disk.partitions.add(partition);
                }
                return disk;
            } catch (Throwable e) {
                disk.close();
                throw e;
            }
        }

        /**
         * Fills the disk up, then the room left inside the partitions' pages (a full disk still takes rows where a
         * page has room: without this the processor met the fault for a second and then wrote into the pages it had
         * already): every batch fails until {@link #free}.
         */
        void fill() {
            byte[] chunk = new byte[1 << 20];
            try (var out = Files.newOutputStream(dir.resolve("filler"))) {
                while (true) {
                    out.write(chunk);
                }
            } catch (java.io.IOException full) {
                // No space left on device: as intended
            }
            for (String partition : partitions) {
                // rows committed in shrinking chunks until not even one fits (a failed chunk leaves only dead rows)
                for (int rows = 1000; rows >= 1; ) {
                    try {
                        admin.execute("insert into " + partition + " (event_key, occurred_at, player_id, event_type) "
                                + "select gen_random_uuid(), cast((regexp_match(pg_get_expr(c.relpartbound, c.oid), "
                                + "'FROM \\(''([^'']+)''\\)'))[1] as timestamptz), '" + FILLER + "', 'filler' "
                                + "from pg_class c, generate_series(1, " + rows + ") where c.oid = '" + partition + "'::regclass");
                    } catch (IllegalStateException full) {
                        rows /= 10;
                    }
                }
            }
        }

        /** Room again. */
        void free() {
            try {
                Files.deleteIfExists(dir.resolve("filler"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (created) {
                admin.execute("delete from processing.processed_event where player_id = '" + FILLER + "'");
            }
        }

        @Override
        public void close() throws Exception {
            free();
            for (String partition : partitions) {
                // if exists: the retention job may have dropped an old one meanwhile
                admin.execute("alter table if exists " + partition + " set tablespace pg_default");
            }
            if (created) {
                admin.execute("drop tablespace " + TABLESPACE);
            }
            if (mounted) {
                assertEquals(0, run("umount", dir.toString()), "umount " + dir);
            }
            Files.deleteIfExists(dir);
        }

        private static int run(String... command) throws Exception {
            return new ProcessBuilder(command).inheritIO().start().waitFor();
        }
    }

    @Test
    void aServerStoppedAndStartedAgainIsWaitedOut() throws Exception {
        // the stack's supervisor starts PostgreSQL again when it exits: frozen meanwhile, it leaves it down as long
        // as the test needs
        long supervisor = statePid("supervisor.pid");
        streamThrough("restart", null, () -> {
            signal(supervisor, "STOP");
            signal(statePid("postgres.pid"), "INT"); // a fast shutdown: sessions end, new connections are refused
        }, () -> signal(supervisor, "CONT"));
        await().atMost(Duration.ofSeconds(60)).until(() -> db.number("select 1") == 1);
    }

    /**
     * Streams events, injects the fault once they are counted, holds it until the processor is not ready (naming the
     * SQLSTATE when given) and more events were accepted, repairs it, and checks the outcome.
     */
    private void streamThrough(String name, String sqlState, Runnable inject, Runnable repair) throws Exception {
        String processor = services.managementUrl(TestServices.PROCESSOR);
        StreamRun run = new StreamRun(name, db, services.url(TestServices.INGEST), 40).stream(stream -> {
            await().atMost(Duration.ofSeconds(60)).until(() -> ready(processor));
            inject.run();
            try {
                int injectedAt = stream.sentCount();
                // the processor notices, says why, and stops acknowledging; ingest goes on accepting
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    String readiness = readiness(processor);
                    return readiness.contains("\"DOWN\"") && (sqlState == null || readiness.contains("SQLSTATE " + sqlState));
                });
                await().atMost(Duration.ofSeconds(60)).until(() -> stream.sentCount() >= injectedAt + 400);
            } finally {
                repair.run();
            }
            // ready again by itself: no restart, no operator
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> ready(processor));
        });
        run.assertCountedOnce(services.stack());
        System.out.printf("database fault %s: %d events through it, every one counted once, none dead-lettered%n",
                name, run.sent().size());
    }

    private static boolean ready(String managementUrl) {
        return DependencyOutagesTest.ready(managementUrl);
    }

    private static String readiness(String managementUrl) {
        return DependencyOutagesTest.readiness(managementUrl);
    }

    private static String role() {
        // the processor's own role: the faults are the processor's to wait out
        return "\"" + services.stack().processorDb().user() + "\"";
    }

    private static void terminateProcessorSessions() {
        admin.rows("select pg_terminate_backend(pid) from pg_stat_activity where application_name = ?", APP);
    }

    private static long statePid(String key) {
        Properties state = new Properties();
        try (var reader = Files.newBufferedReader(services.stack().home().resolve("stack.state"))) {
            state.load(reader);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Long.parseLong(state.getProperty(key));
    }

    private static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send " + signal + " to " + pid, e);
        }
    }
}
