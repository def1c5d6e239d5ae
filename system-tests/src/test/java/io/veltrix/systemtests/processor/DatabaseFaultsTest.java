package io.veltrix.systemtests.processor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.testing.Database;
import io.veltrix.testing.TestServices;
import java.nio.file.Files;
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
