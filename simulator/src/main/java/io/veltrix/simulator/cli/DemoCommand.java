package io.veltrix.simulator.cli;

import io.quarkus.logging.Log;
import io.veltrix.simulator.client.ExperimentsClient;
import io.veltrix.simulator.client.ExperimentsClient.MetricSpec;
import io.veltrix.simulator.client.ExperimentsClient.VariantSpec;
import io.veltrix.simulator.load.LoadReport;
import io.veltrix.simulator.load.LoadRunner;
import io.veltrix.simulator.load.LoadSettings;
import io.veltrix.simulator.load.Simulation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code simulator demo} (what {@code ./veltrix up --demo} runs): creates and starts the demo experiment through
 * experiments-service, then plays the game into it until stopped, so a new user sees results fill the dashboard.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Create and start the demo experiment (if needed) and play simulated traffic into it until stopped.")
public class DemoCommand implements Callable<Integer> {

    public static final String EXPERIMENT = "treasure-hunt-demo";
    static final int PLAYERS = 2000;
    /** Large enough that the lift shows within a minute at the default rate. */
    static final double EFFECT = 0.5;

    @Mixin
    TrafficOptions traffic;

    @Option(names = "--admin-token", defaultValue = "${env:VELTRIX_EXPERIMENTS_ADMIN_TOKEN}",
            description = "experiments admin token, to create and start the experiment (env VELTRIX_EXPERIMENTS_ADMIN_TOKEN; "
                    + "default: the local platform's)")
    String adminToken;

    @Option(names = "--experiment-key", defaultValue = EXPERIMENT, description = "demo experiment key (default ${DEFAULT-VALUE})")
    String experimentKey;

    @Option(names = "--rate", defaultValue = "250", description = "events/s (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--duration", defaultValue = "0", converter = DurationConverter.class,
            description = "how long (default: until stopped)")
    Duration duration;

    @Override
    public Integer call() throws InterruptedException {
        String admin = adminToken != null && !adminToken.isBlank() ? adminToken : TrafficOptions.localSecret("admin-token").orElse(null);
        ExperimentsClient experiments = new ExperimentsClient(traffic.experimentsUrl, admin, traffic.readToken(), traffic.sdkKey());
        List<String> keys = ensureRunning(experiments).map(List::of).orElse(List.of());
        LoadSettings load = new LoadSettings(rate, traffic.batchSize, traffic.maxInFlight, duration, 0);
        CountDownLatch finished = new CountDownLatch(1);
        try (Simulation simulation = Simulation.prepare(traffic.ingestUrl, traffic.writeKey(), traffic.gzip, experiments,
                keys, traffic.gameSettings(PLAYERS, EFFECT))) {
            LoadRunner runner = simulation.runner(load);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                runner.stop();
                try {
                    finished.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop-demo"));
            Log.infof("demo: %,d simulated players at %,.0f events/s into %s, experiment %s (true effect %+.0f%% on purchases "
                    + "in the bonus variant); results: %s/dashboard", traffic.players(PLAYERS), rate, traffic.ingestUrl, keys,
                    traffic.effect(EFFECT) * 100, traffic.experimentsUrl);
            LoadReport report = runner.run(r -> Log.info(r.oneLine()), Duration.ofSeconds(30));
            Log.info("demo stopped: " + report.oneLine());
            return 0;
        } finally {
            finished.countDown();
        }
    }

    /** The demo experiment, created and started if needed; empty (with a warning) when the API is not there. */
    private Optional<String> ensureRunning(ExperimentsClient experiments) throws InterruptedException {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 30; attempt++) {
            try {
                Optional<ExperimentsClient.Experiment> existing = experiments.experiment(experimentKey);
                if (existing.isEmpty()) {
                    experiments.create(experimentKey, "Treasure Hunt: bonus chest coins",
                            "Demo experiment filled by the Veltrix simulator (./veltrix up --demo): does a 1.5x coin bonus on "
                                    + "treasures make players buy more? The simulated players in bonus_chest buy with a true "
                                    + "lift of " + Math.round(traffic.effect(EFFECT) * 100) + "%.",
                            1.0,
                            List.of(new VariantSpec("control", "Control", 0.5, Map.of("coins_multiplier", 1.0)),
                                    new VariantSpec("bonus_chest", "Bonus chest (1.5x coins)", 0.5, Map.of("coins_multiplier", 1.5))),
                            new MetricSpec("purchase_completed", "conversion"),
                            List.of(new MetricSpec("treasure_claimed.coins", "mean"),
                                    new MetricSpec("purchase_completed.revenue", "mean")));
                    Log.infof("created experiment %s", experimentKey);
                }
                if (existing.isEmpty() || !existing.get().running()) {
                    experiments.start(experimentKey);
                    Log.infof("started experiment %s", experimentKey);
                }
                return Optional.of(experimentKey);
            } catch (ExperimentsClient.ExperimentsException e) {
                last = e;
                Thread.sleep(2000);
            }
        }
        Log.warnf("cannot create or start the demo experiment (%s): sending traffic without exposures", last.getMessage());
        return Optional.empty();
    }
}
