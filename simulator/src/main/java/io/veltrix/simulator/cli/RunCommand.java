package io.veltrix.simulator.cli;

import io.quarkus.logging.Log;
import io.veltrix.simulator.client.ExperimentsClient;
import io.veltrix.simulator.load.LoadReport;
import io.veltrix.simulator.load.LoadRunner;
import io.veltrix.simulator.load.LoadSettings;
import io.veltrix.simulator.load.Simulation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code simulator run}: play the game into a running platform at a given rate, then print what was achieved. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Play simulated Treasure Hunt traffic into ingest (open loop at --rate), exposing players to the "
                + "running experiments as experiments-service assigns them; prints achieved vs target.")
public class RunCommand implements Callable<Integer> {

    static final int PLAYERS = 5000;
    static final double EFFECT = 0.3;

    @Mixin
    TrafficOptions traffic;

    @Option(names = "--rate", defaultValue = "1000",
            description = "target events/s, offered open-loop; 0 = as fast as ingest answers (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "how long (e.g. 90s, 5m; 0 = until Ctrl-C) (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--events", defaultValue = "0", description = "stop after this many events (0 = no limit)")
    long events;

    @Option(names = "--experiment", split = ",",
            description = "experiment keys to expose players to (default: every running experiment)")
    List<String> experiments;

    @Option(names = "--no-experiments", description = "expose players to no experiment")
    boolean noExperiments;

    @Override
    public Integer call() {
        ExperimentsClient experimentsClient = new ExperimentsClient(traffic.experimentsUrl, null, traffic.readToken(), traffic.sdkKey());
        List<String> keys = TrafficOptions.keys(experiments);
        if (keys.isEmpty() && !noExperiments) {
            try {
                keys = experimentsClient.running().stream().map(ExperimentsClient.Experiment::key).toList();
            } catch (RuntimeException e) {
                Log.warnf("cannot list the running experiments (%s): players are exposed to none", e.getMessage());
            }
        }
        LoadSettings load = new LoadSettings(rate, traffic.batchSize, traffic.maxInFlight, duration, events);
        try (Simulation simulation = Simulation.prepare(traffic.ingestUrl, traffic.writeKey(), traffic.gzip,
                experimentsClient, keys, traffic.gameSettings(PLAYERS, EFFECT))) {
            LoadRunner runner = simulation.runner(load);
            Thread stopper = new Thread(runner::stop, "stop-simulation");
            Runtime.getRuntime().addShutdownHook(stopper);
            Log.infof("simulating %,d players (%s) at %s into %s; experiments %s; effect %+.0f%%",
                    traffic.players(PLAYERS), simulation.game().playerIds().get(0).replaceAll("-0$", "-*"),
                    rate > 0 ? String.format("%,.0f events/s", rate) : "full speed", traffic.ingestUrl, keys, traffic.effect(EFFECT) * 100);
            LoadReport report = runner.run(r -> Log.info(r.oneLine()), Duration.ofSeconds(10));
            System.out.println();
            System.out.print(report.summary());
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // shutting down already
            }
            return report.accepted() > 0 && report.rejected() == 0 ? 0 : 1;
        }
    }
}
