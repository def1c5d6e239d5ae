package io.veltrix.simulator.load;

import io.quarkus.logging.Log;
import io.veltrix.simulator.client.BatchEncoder;
import io.veltrix.simulator.client.ExperimentsClient;
import io.veltrix.simulator.client.IngestClient;
import io.veltrix.simulator.game.Assignment;
import io.veltrix.simulator.game.GameSettings;
import io.veltrix.simulator.game.TreasureHuntGame;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * One simulation: the game, its players' variants as experiments-service assigns them, and the ingest client the
 * game's events go through. Used by the {@code run} and {@code demo} commands and by the benchmark (which runs
 * several loads, one after the other, with the same players).
 */
public final class Simulation implements AutoCloseable {

    private final TreasureHuntGame game;
    private final IngestClient ingest;
    private final BatchEncoder encoder = new BatchEncoder();

    /**
     * Connections to ingest at most: opened as requests need them, so a load keeps one per outstanding request (its
     * {@code maxInFlight}), as a fleet of clients would.
     */
    private static final int MAX_CONNECTIONS = 1024;

    private Simulation(TreasureHuntGame game, IngestClient ingest) {
        this.game = game;
        this.ingest = ingest;
    }

    /**
     * Resolves every player's variant of the given experiments through experiments-service (before the clock starts,
     * so the open-loop schedule never waits for an assignment), then prepares the game.
     *
     * @param experiments the experiment keys players are exposed to (empty: none)
     */
    public static Simulation prepare(String ingestUrl, String writeKey, boolean gzip, ExperimentsClient experimentsClient,
                                     List<String> experiments, GameSettings game) {
        Function<String, List<Assignment>> assignments = player -> List.of();
        if (!experiments.isEmpty()) {
            long started = System.nanoTime();
            List<String> players = new TreasureHuntGame(game, p -> List.of(), Clock.systemUTC()).playerIds();
            experimentsClient.prefetch(experiments, players, 16);
            Log.infof("assignments of %,d players in %s resolved through experiments-service in %.1f s", players.size(),
                    experiments, (System.nanoTime() - started) / 1e9);
            assignments = player -> experimentsClient.assignments(experiments, player);
        }
        IngestClient ingest = new IngestClient(ingestUrl, writeKey, gzip, Duration.ofSeconds(30), MAX_CONNECTIONS);
        return new Simulation(new TreasureHuntGame(game, assignments, Clock.systemUTC()), ingest);
    }

    /** A load of this game's events (each runner runs once). */
    public LoadRunner runner(LoadSettings load) {
        return new LoadRunner(game, encoder, ingest, load);
    }

    public TreasureHuntGame game() {
        return game;
    }

    @Override
    public void close() {
        ingest.close();
    }
}
