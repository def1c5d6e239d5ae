package io.veltrix.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.veltrix.stack.DbLogin;
import io.veltrix.stack.Ports;
import io.veltrix.stack.ServiceProcess;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.TestServices;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read contract between the services is enforced by PostgreSQL, not by convention: on the test stack, after both
 * services ran their own migrations, each service's role is tried with real statements. What the README's contract
 * names can be read; any write or DDL into another service's schema, or a read beyond the contract, is refused with
 * SQLSTATE 42501 (insufficient_privilege). Every statement that must fail runs in a transaction rolled back at the end,
 * so a broken grant shows up as a failed assertion, never as damaged data. And no service has a default login.
 */
class DatabaseRolesTest {

    private static final String DENIED = "42501";
    /** The processing tables experiments-service reads (README, "Read contract between services"). */
    private static final List<String> PROCESSING_CONTRACT = List.of("processing.participant", "processing.participant_metric",
            "processing.processed_event", "processing.traffic_minute");

    private static StackInfo stack;

    @BeforeAll
    static void servicesMigratedTheirSchemas() {
        // the services ran their migrations (versioned and the read contract's grants) with their own roles
        stack = TestServices.get().stack();
    }

    @Test
    void theExperimentsRoleCannotUpdateProcessingTables() {
        DbLogin experiments = stack.experimentsDb();
        assertDenied(experiments, "update processing.participant_metric set events = events + 1");
        assertDenied(experiments, "insert into processing.processed_event (event_key, occurred_at, player_id, event_type)"
                + " values (gen_random_uuid(), now(), 'intruder', 'treasure_claimed')");
        assertDenied(experiments, "insert into processing.traffic_minute (event_type, minute, events)"
                + " values ('treasure_claimed', date_trunc('minute', now()), 1000000)");
        assertDenied(experiments, "delete from processing.participant");
        assertDenied(experiments, "truncate processing.participant_metric");
    }

    @Test
    void theExperimentsRoleReadsWhatTheContractNamesAndNothingElse() throws SQLException {
        for (String table : PROCESSING_CONTRACT) {
            assertReads(stack.experimentsDb(), "select count(*) from " + table);
        }
        // not in the contract: the processor's other tables and its migration history
        assertDenied(stack.experimentsDb(), "select count(*) from processing.archived_experiment");
        assertDenied(stack.experimentsDb(), "select count(*) from processing.flyway_schema_history");
    }

    @Test
    void theProcessorRoleReadsExperimentDefinitionsOnlyThroughTheViewAndWritesNothingThere() throws SQLException {
        DbLogin processor = stack.processorDb();
        assertReads(processor, "select count(*) from experiments.experiment_variant");
        assertDenied(processor, "select count(*) from experiments.experiment");
        assertDenied(processor, "update experiments.experiment set status = 'archived'");
        assertDenied(processor, "insert into experiments.variant (experiment_id, position, key, weight) values (1, 99, 'x', 0)");
        assertDenied(processor, "delete from experiments.phase");
    }

    @Test
    void onlyASchemasOwnerChangesItsDefinition() {
        DbLogin processor = stack.processorDb();
        DbLogin experiments = stack.experimentsDb();
        assertDenied(experiments, "create table processing.shadow (n int)");
        assertDenied(experiments, "alter table processing.participant_metric add column forged bigint");
        assertDenied(experiments, "drop table processing.traffic_minute");
        assertDenied(processor, "create table experiments.shadow (n int)");
        assertDenied(processor, "create or replace view experiments.experiment_variant as select 1 as n");
        assertDenied(processor, "drop view experiments.experiment_variant");
        for (DbLogin service : List.of(processor, experiments)) {
            // nor a schema of one's own, nor the public one, nor another's grants
            assertDenied(service, "create schema shadow");
            assertDenied(service, "create table public.shadow (n int)");
        }
        assertDenied(experiments, "grant insert on processing.archived_experiment to " + experiments.user());
        assertDenied(processor, "grant insert on experiments.experiment to " + processor.user());
    }

    @Test
    void aServiceWithoutItsDatabaseLoginStopsAtOnceNamingIt() throws Exception {
        for (String module : List.of(TestServices.PROCESSOR, TestServices.EXPERIMENTS)) {
            Map<String, String> env = new LinkedHashMap<>(stack.serviceEnvironment(module));
            env.remove("VELTRIX_DB_USERNAME");
            env.remove("VELTRIX_DB_PASSWORD");
            ServiceProcess service = ServiceProcess.builder("st-no-login-" + module,
                            ServiceProcess.runnerJar(TestServices.projectRoot(), module))
                    .httpPort(Ports.freePort())
                    .env(env)
                    .jvmOption("-Xmx256m")
                    .logsDir(stack.logsDir())
                    .marker("veltrix-e2e")
                    .launch();
            try {
                service.onExit().get(60, TimeUnit.SECONDS);
            } finally {
                service.stop();
            }
            assertNotEquals(Optional.of(0), service.exitCode(), module + " started without a database login");
            String log = Files.readString(service.logFile());
            assertTrue(log.contains("veltrix.db.username is required") && log.contains("veltrix.db.password is required"),
                    module + " does not name the missing login: " + service.logFile());
        }
    }

    /** Runs a statement as a role, in a transaction rolled back afterwards; it must be refused for lack of privilege. */
    private static void assertDenied(DbLogin login, String sql) {
        SQLException refused = assertThrows(SQLException.class, () -> run(login, sql),
                login.user() + " was allowed: " + sql);
        assertEquals(DENIED, refused.getSQLState(), login.user() + ": " + sql + ": " + refused.getMessage());
    }

    private static void assertReads(DbLogin login, String sql) throws SQLException {
        run(login, sql);
    }

    private static void run(DbLogin login, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(stack.jdbcUrl(), login.user(), login.password())) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } finally {
                connection.rollback();
            }
        }
    }
}
