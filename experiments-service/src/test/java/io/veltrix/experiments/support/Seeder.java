package io.veltrix.experiments.support;

import static org.junit.jupiter.api.Assertions.fail;

import io.veltrix.stack.StackInfo;
import io.veltrix.testing.RealStackResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * Test fixture: writes what the processor would have aggregated for an experiment of this test's own (participants,
 * their metrics and their events, in the processor's read-contract tables), so results and dashboard tests do not
 * depend on the pipeline. Only rows of the given experiment key and of fresh player ids are written. The end-to-end
 * tests in system-tests go through the real pipeline instead.
 */
public final class Seeder implements AutoCloseable {

    private final Connection connection;

    public Seeder() {
        StackInfo stack = RealStackResource.TestStack.get();
        try {
            connection = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
            try (ResultSet r = connection.createStatement().executeQuery("select to_regclass('processing.participant_metric') is not null "
                    + "and to_regclass('processing.processed_event') is not null")) {
                r.next();
                if (!r.getBoolean(1)) {
                    migrateProcessingSchema(stack);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the test database", e);
        }
    }

    /**
     * The processor owns the processing schema; on a fresh test stack it may not have migrated yet (this module can
     * be tested alone), so apply its migrations as it would (same schema, same history table: its own Flyway later
     * sees them applied).
     */
    private static void migrateProcessingSchema(StackInfo stack) {
        Path root = Path.of(System.getProperty("veltrix.project.root", Path.of("..").toAbsolutePath().normalize().toString()));
        Path migrations = root.resolve("processor-service/src/main/resources/db/migration");
        if (!Files.isDirectory(migrations)) {
            fail("the processor's tables are missing on the test stack and its migrations are not at " + migrations);
        }
        Flyway.configure()
                .dataSource(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword())
                .schemas("processing").createSchemas(true).table("flyway_schema_history")
                .locations("filesystem:" + migrations)
                .validateOnMigrate(false)
                .load().migrate();
    }

    /** Moves the experiment's current phase (and start) back in time, as if it had been running for a while. */
    public void backdateCurrentPhase(String experimentKey, Duration by) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("update experiments.phase set started_at = started_at - ? * interval '1 second' "
                + "where ended_at is null and experiment_id = (select id from experiments.experiment where key = ?)")) {
            s.setLong(1, by.toSeconds());
            s.setString(2, experimentKey);
            s.executeUpdate();
        }
        try (PreparedStatement s = connection.prepareStatement("update experiments.experiment set started_at = started_at - ? * interval '1 second' "
                + "where key = ?")) {
            s.setLong(1, by.toSeconds());
            s.setString(2, experimentKey);
            s.executeUpdate();
        }
    }

    /**
     * Seeds {@code participants} players in {@code variant}, first exposed evenly over [from, to); the first
     * {@code converted} of them (spread evenly) claim a treasure 20 minutes after exposure; the 1st, (1 + payEvery)-th,
     * ... of those also buy for {@code revenue} (⌈converted / payEvery⌉ buyers).
     */
    public void variant(String experimentKey, String variant, int participants, int converted, int payEvery, double revenue,
                        Instant from, Instant to) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement p = connection.prepareStatement("insert into processing.participant "
                + "(experiment_key, player_id, variant, first_exposed_at, exposures) values (?, ?, ?, ?, 1)");
             PreparedStatement m = connection.prepareStatement("insert into processing.participant_metric "
                     + "(experiment_key, player_id, metric, events, value_sum, value_sum_sq) values (?, ?, ?, ?, ?, ?)");
             PreparedStatement e = connection.prepareStatement("insert into processing.processed_event "
                     + "(source_id, event_id, event_type, player_id, occurred_at, numeric_values) values ('test-seed', ?, ?, ?, ?, cast(? as jsonb))")) {
            long span = Duration.between(from, to).toMillis();
            int converters = 0;
            for (int i = 0; i < participants; i++) {
                String player = experimentKey + "-" + variant + "-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
                Instant exposed = from.plusMillis(span * i / participants);
                p.setString(1, experimentKey);
                p.setString(2, player);
                p.setString(3, variant);
                p.setTimestamp(4, Timestamp.from(exposed));
                p.addBatch();
                // spread the converters over the whole window
                if ((long) i * converted / participants != (long) (i + 1) * converted / participants) {
                    Instant claimed = exposed.plus(Duration.ofMinutes(20));
                    metric(m, experimentKey, player, "treasure_claimed", 1, 1);
                    event(e, "treasure_claimed", player, claimed, "{\"coins\": 100}");
                    if (payEvery > 0 && converters++ % payEvery == 0) {
                        metric(m, experimentKey, player, "purchase_completed.revenue", 1, revenue);
                        metric(m, experimentKey, player, "purchase_completed", 1, 1);
                        event(e, "purchase_completed", player, claimed.plusSeconds(60), "{\"revenue\": " + revenue + ", \"quantity\": 1}");
                    }
                }
            }
            p.executeBatch();
            m.executeBatch();
            e.executeBatch();
            connection.commit();
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static void metric(PreparedStatement m, String key, String player, String metric, long events, double value)
            throws SQLException {
        m.setString(1, key);
        m.setString(2, player);
        m.setString(3, metric);
        m.setLong(4, events);
        m.setDouble(5, value);
        m.setDouble(6, value * value);
        m.addBatch();
    }

    private static void event(PreparedStatement e, String type, String player, Instant at, String values) throws SQLException {
        e.setString(1, UUID.randomUUID().toString());
        e.setString(2, type);
        e.setString(3, player);
        e.setTimestamp(4, Timestamp.from(at));
        e.setString(5, values);
        e.addBatch();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
