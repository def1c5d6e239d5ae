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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * Test fixture: writes what the processor would have aggregated for an experiment of this test's own, so results and
 * dashboard tests do not depend on the pipeline. Players are described by their exposure and events; {@link #flush()}
 * writes them as the processor's read contract says (README, "Read contract"): the participant, every event in
 * {@code processing.processed_event}, and per metric the totals of the events at or after the first exposure in
 * {@code processing.participant_metric} (an event type counts 1 per event; each numeric property counts its value).
 * Only rows of the given experiment key and of fresh player ids are written. The end-to-end tests in system-tests go
 * through the real pipeline instead.
 *
 * <p>{@code processed_event} is written through the columns every version of the contract has (player, type, time,
 * numeric values, which may be null); its key columns are filled as the version found requires (source and event id,
 * or the event key of the partitioned version), and missing time partitions of the partitioned version are created
 * (whole UTC days, never overlapping the processor's).
 */
public final class Seeder implements AutoCloseable {

    private static final DateTimeFormatter PARTITION_NAME = DateTimeFormatter.ofPattern("'processed_event_p'yyyyMMdd'T'HHmmss")
            .withZone(ZoneOffset.UTC);

    /** As the processor's role: the processing schema is its own (partitions made here stay its to drop). */
    private final Connection connection;
    /** As experiments-service's role, for the experiments schema. */
    private final Connection experiments;
    private final boolean eventKeyed;
    private final boolean partitioned;
    private final List<Player> players = new ArrayList<>();

    public Seeder() {
        StackInfo stack = RealStackResource.TestStack.get();
        try {
            connection = DriverManager.getConnection(stack.jdbcUrl(), stack.processorDb().user(), stack.processorDb().password());
            experiments = DriverManager.getConnection(stack.jdbcUrl(), stack.experimentsDb().user(),
                    stack.experimentsDb().password());
            try (ResultSet r = connection.createStatement().executeQuery("select to_regclass('processing.participant_metric') is not null "
                    + "and to_regclass('processing.processed_event') is not null")) {
                r.next();
                if (!r.getBoolean(1)) {
                    migrateProcessingSchema(stack);
                }
            }
            try (ResultSet r = connection.createStatement().executeQuery("select "
                    + "exists (select 1 from information_schema.columns where table_schema = 'processing' "
                    + "and table_name = 'processed_event' and column_name = 'event_key'), "
                    + "(select relkind = 'p' from pg_class where oid = 'processing.processed_event'::regclass)")) {
                r.next();
                eventKeyed = r.getBoolean(1);
                partitioned = r.getBoolean(2);
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
                .dataSource(stack.jdbcUrl(), stack.processorDb().user(), stack.processorDb().password())
                // its read contract is granted to this service's role, as the processor's own Flyway would
                .placeholders(Map.of("reader_role", stack.experimentsDb().user()))
                .schemas("processing").createSchemas(true).table("flyway_schema_history")
                .locations("filesystem:" + migrations)
                .validateOnMigrate(false)
                .load().migrate();
    }

    /** Moves the experiment's current phase (and start) back in time, as if it had been running for a while. */
    public void backdateCurrentPhase(String experimentKey, Duration by) throws SQLException {
        try (PreparedStatement s = experiments.prepareStatement("update experiments.phase set started_at = started_at - ? * interval '1 second' "
                + "where ended_at is null and experiment_id = (select id from experiments.experiment where key = ?)")) {
            s.setLong(1, by.toSeconds());
            s.setString(2, experimentKey);
            s.executeUpdate();
        }
        try (PreparedStatement s = experiments.prepareStatement("update experiments.experiment set started_at = started_at - ? * interval '1 second' "
                + "where key = ?")) {
            s.setLong(1, by.toSeconds());
            s.setString(2, experimentKey);
            s.executeUpdate();
        }
    }

    /** Sets a phase's start and end (as if it had run then). */
    public void setPhase(String experimentKey, int number, Instant startedAt, Instant endedAt) throws SQLException {
        try (PreparedStatement s = experiments.prepareStatement("update experiments.phase set started_at = ?, ended_at = ? "
                + "where number = ? and experiment_id = (select id from experiments.experiment where key = ?)")) {
            s.setTimestamp(1, Timestamp.from(startedAt));
            s.setTimestamp(2, endedAt == null ? null : Timestamp.from(endedAt));
            s.setInt(3, number);
            s.setString(4, experimentKey);
            if (s.executeUpdate() != 1) {
                throw new IllegalStateException("no phase " + number + " of " + experimentKey);
            }
        }
    }

    /** A new player of this test, first exposed to {@code variant} at {@code exposedAt}; written by {@link #flush()}. */
    public Player player(String experimentKey, String variant, Instant exposedAt) {
        Player p = new Player(experimentKey, experimentKey + "-" + variant + "-" + players.size() + "-"
                + UUID.randomUUID().toString().substring(0, 6), variant, exposedAt);
        players.add(p);
        return p;
    }

    /**
     * Seeds {@code participants} players in {@code variant}, first exposed evenly over [from, to); the first
     * {@code converted} of them (spread evenly) claim a treasure (100 coins) 20 minutes after exposure; the 1st,
     * (1 + payEvery)-th, ... of those also buy for {@code revenue} a minute later (⌈converted / payEvery⌉ buyers).
     */
    public void variant(String experimentKey, String variant, int participants, int converted, int payEvery, double revenue,
                        Instant from, Instant to) throws SQLException {
        long span = Duration.between(from, to).toMillis();
        int converters = 0;
        for (int i = 0; i < participants; i++) {
            Instant exposed = from.plusMillis(span * i / participants);
            Player p = player(experimentKey, variant, exposed);
            if ((long) i * converted / participants != (long) (i + 1) * converted / participants) {
                Instant claimed = exposed.plus(Duration.ofMinutes(20));
                p.event("treasure_claimed", claimed, Map.of("coins", 100.0));
                if (payEvery > 0 && converters++ % payEvery == 0) {
                    p.event("purchase_completed", claimed.plusSeconds(60), Map.of("revenue", revenue, "quantity", 1.0));
                }
            }
        }
        flush();
    }

    /** Writes the players described since the last flush, in one transaction. */
    public void flush() throws SQLException {
        connection.setAutoCommit(false);
        try {
            ensurePartitions();
            try (PreparedStatement p = connection.prepareStatement("insert into processing.participant "
                    + "(experiment_key, player_id, variant, first_exposed_at, exposures, multiple_variants) values (?, ?, ?, ?, ?, ?)");
                 PreparedStatement m = connection.prepareStatement("insert into processing.participant_metric "
                         + "(experiment_key, player_id, metric, events, value_sum, value_sum_sq) values (?, ?, ?, ?, ?, ?)");
                 PreparedStatement e = connection.prepareStatement(eventKeyed
                         ? "insert into processing.processed_event (event_key, event_type, player_id, occurred_at, numeric_values) "
                         + "values (cast(? as uuid), ?, ?, ?, cast(? as jsonb))"
                         : "insert into processing.processed_event (source_id, event_id, event_type, player_id, occurred_at, "
                         + "numeric_values) values ('test-seed', ?, ?, ?, ?, coalesce(cast(? as jsonb), '{}'::jsonb))")) {
                for (Player player : players) {
                    p.setString(1, player.experimentKey);
                    p.setString(2, player.id);
                    p.setString(3, player.variant);
                    p.setTimestamp(4, Timestamp.from(player.exposedAt));
                    p.setLong(5, player.multipleVariants ? 2 : 1);
                    p.setBoolean(6, player.multipleVariants);
                    p.addBatch();
                    for (Map.Entry<String, double[]> metric : player.metrics().entrySet()) {
                        double[] v = metric.getValue();
                        m.setString(1, player.experimentKey);
                        m.setString(2, player.id);
                        m.setString(3, metric.getKey());
                        m.setLong(4, (long) v[0]);
                        m.setDouble(5, v[1]);
                        m.setDouble(6, v[2]);
                        m.addBatch();
                    }
                    for (Event event : player.events) {
                        e.setString(1, UUID.randomUUID().toString());
                        e.setString(2, event.type);
                        e.setString(3, player.id);
                        e.setTimestamp(4, Timestamp.from(event.at));
                        e.setString(5, event.json());
                        e.addBatch();
                    }
                }
                p.executeBatch();
                m.executeBatch();
                e.executeBatch();
            }
            connection.commit();
            players.clear();
        } catch (SQLException | RuntimeException ex) {
            connection.rollback();
            throw ex;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The partitioned event log only takes events whose day has a partition: create the missing ones. */
    private void ensurePartitions() throws SQLException {
        if (!partitioned) {
            return;
        }
        TreeMap<Instant, Instant> covered = new TreeMap<>();
        try (ResultSet r = connection.createStatement().executeQuery("select cast(m[1] as timestamptz), cast(m[2] as timestamptz) "
                + "from (select regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') m "
                + "from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                + "where i.inhparent = 'processing.processed_event'::regclass) x where m is not null")) {
            while (r.next()) {
                covered.put(r.getTimestamp(1).toInstant(), r.getTimestamp(2).toInstant());
            }
        }
        for (Player player : players) {
            for (Event event : player.events) {
                Instant day = event.at.truncatedTo(ChronoUnit.DAYS);
                Instant from = day;
                Instant to = day.plus(Duration.ofDays(1));
                // the gap around the event inside its day, between the partitions that exist
                for (Map.Entry<Instant, Instant> p : covered.entrySet()) {
                    if (!p.getValue().isAfter(event.at) && p.getValue().isAfter(from)) {
                        from = p.getValue();
                    }
                    if (p.getKey().isAfter(event.at) && p.getKey().isBefore(to)) {
                        to = p.getKey();
                    }
                    if (!p.getKey().isAfter(event.at) && p.getValue().isAfter(event.at)) {
                        from = null;
                        break;
                    }
                }
                if (from == null) {
                    continue;
                }
                try (PreparedStatement s = connection.prepareStatement("create table processing." + PARTITION_NAME.format(from)
                        + " partition of processing.processed_event for values from ('" + from + "') to ('" + to + "')")) {
                    s.execute();
                }
                covered.put(from, to);
            }
        }
    }

    /** Adds {@code events} counted events of a type in the minute of {@code at}, as the processor's traffic counts do. */
    public void traffic(String eventType, Instant at, long events) throws SQLException {
        connection.setAutoCommit(true);
        try (PreparedStatement s = connection.prepareStatement("insert into processing.traffic_minute (event_type, minute, events) "
                + "values (?, ?, ?) on conflict (event_type, minute) do update set events = traffic_minute.events + excluded.events")) {
            s.setString(1, eventType);
            s.setObject(2, java.time.OffsetDateTime.ofInstant(at.truncatedTo(java.time.temporal.ChronoUnit.MINUTES), java.time.ZoneOffset.UTC));
            s.setLong(3, events);
            s.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
        experiments.close();
    }

    /** One seeded event. */
    private record Event(String type, Instant at, Map<String, Double> values) {
        String json() {
            if (values.isEmpty()) {
                return null;
            }
            StringBuilder json = new StringBuilder("{");
            values.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
            return json.append('}').toString();
        }
    }

    /** A seeded player: exposure and events (before the exposure too: those only reach processed_event). */
    public static final class Player {
        private final String experimentKey;
        private final String id;
        private final String variant;
        private final Instant exposedAt;
        private final List<Event> events = new ArrayList<>();
        private boolean multipleVariants;

        private Player(String experimentKey, String id, String variant, Instant exposedAt) {
            this.experimentKey = experimentKey;
            this.id = id;
            this.variant = variant;
            this.exposedAt = exposedAt;
        }

        public String id() {
            return id;
        }

        /** An event of {@code type} at {@code at} with numeric properties {@code values}. */
        public Player event(String type, Instant at, Map<String, Double> values) {
            events.add(new Event(type, at, new LinkedHashMap<>(values)));
            return this;
        }

        /** The player was exposed to another variant as well (the processor's {@code multiple_variants}). */
        public Player multipleVariants() {
            multipleVariants = true;
            return this;
        }

        /** Per metric: events, Σ value, Σ value², over the events at or after the first exposure. */
        Map<String, double[]> metrics() {
            Map<String, double[]> metrics = new LinkedHashMap<>();
            for (Event e : events) {
                if (e.at.isBefore(exposedAt)) {
                    continue;
                }
                double[] count = metrics.computeIfAbsent(e.type, k -> new double[3]);
                count[0]++;
                count[1]++;
                count[2]++;
                e.values.forEach((property, value) -> {
                    double[] v = metrics.computeIfAbsent(e.type + "." + property, k -> new double[3]);
                    v[0]++;
                    v[1] += value;
                    v[2] += value * value;
                });
            }
            return metrics;
        }
    }
}
