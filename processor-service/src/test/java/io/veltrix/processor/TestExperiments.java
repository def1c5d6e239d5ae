package io.veltrix.processor;

import io.veltrix.stack.StackInfo;
import java.nio.file.Path;
import java.util.Map;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;

/**
 * Experiment definitions for processor tests. experiments-service owns the experiments schema; in a fresh
 * test stack it may not have migrated yet (its module builds after this one), so the tests apply its first
 * migration themselves with Flyway, exactly as experiments-service would (same schema, same history table:
 * its own Flyway later sees that version as applied), then insert their own experiments through JDBC.
 */
public final class TestExperiments {

    private final StackInfo stack;

    public TestExperiments(StackInfo stack) {
        this.stack = stack;
        migrate();
    }

    private void migrate() {
        String root = System.getProperty("veltrix.project.root", Path.of("..").toAbsolutePath().normalize().toString());
        Path migrations = Path.of(root, "experiments-service", "src", "main", "resources", "db", "migration");
        Flyway.configure()
                .dataSource(stack.jdbcUrl(), stack.experimentsDb().user(), stack.experimentsDb().password())
                // as experiments-service's own Flyway: the read contract is granted to this service's role
                .placeholders(Map.of("reader_role", stack.processorDb().user()))
                .schemas("experiments").createSchemas(true).table("flyway_schema_history")
                .locations("filesystem:" + migrations)
                // only what the read contract needs; later versions are experiments-service's to apply, and
                // whatever it applied already is not ours to validate
                .target("1").validateOnMigrate(false)
                .load().migrate();
    }

    /** Creates an experiment with the given status and variant keys (equal weights). */
    public void create(String key, String status, String... variants) {
        try (Connection connection = DriverManager.getConnection(stack.jdbcUrl(), stack.experimentsDb().user(),
                stack.experimentsDb().password())) {
            long id;
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into experiments.experiment (key, name, status, coverage) values (?, ?, ?, 1) returning id")) {
                insert.setString(1, key);
                insert.setString(2, "processor test " + key);
                insert.setString(3, status);
                try (ResultSet rows = insert.executeQuery()) {
                    rows.next();
                    id = rows.getLong(1);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "insert into experiments.variant (experiment_id, position, key, weight) values (?, ?, ?, ?)")) {
                for (int i = 0; i < variants.length; i++) {
                    insert.setLong(1, id);
                    insert.setInt(2, i);
                    insert.setString(3, variants[i]);
                    insert.setDouble(4, 1.0 / variants.length);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create experiment " + key + ": " + e.getMessage(), e);
        }
    }
}
