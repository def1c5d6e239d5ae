package io.veltrix.simulator.cli;

import io.veltrix.simulator.game.GameSettings;
import io.veltrix.stack.Instance;
import io.veltrix.stack.Layout;
import io.veltrix.stack.VeltrixHome;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Where to send, as whom, and how the players behave: shared by {@code run} and {@code demo}. */
public class TrafficOptions {

    @Option(names = "--ingest-url", defaultValue = "http://127.0.0.1:8081", description = "ingest-service (default ${DEFAULT-VALUE})")
    String ingestUrl;

    @Option(names = "--experiments-url", defaultValue = "http://127.0.0.1:8083",
            description = "experiments-service (default ${DEFAULT-VALUE})")
    String experimentsUrl;

    @Option(names = "--write-key", defaultValue = "${env:VELTRIX_WRITE_KEY}",
            description = "ingest write key (env VELTRIX_WRITE_KEY; default: the local platform's, from .veltrix/run/secrets.properties)")
    String writeKey;

    @Option(names = "--read-token", defaultValue = "${env:VELTRIX_EXPERIMENTS_READ_TOKEN}",
            description = "experiments analyst (read) token (env VELTRIX_EXPERIMENTS_READ_TOKEN; default: the local platform's)")
    String readToken;

    @Option(names = "--sdk-key", defaultValue = "${env:VELTRIX_EXPERIMENTS_SDK_KEY}",
            description = "experiments SDK key, for the players' assignments (env VELTRIX_EXPERIMENTS_SDK_KEY; default: the local platform's)")
    String sdkKey;

    @Option(names = "--players", description = "player pool size (default: run 5000, demo 2000)")
    Integer players;

    @Option(names = "--effect",
            description = "true effect: relative lift of the purchase probability per variant step; variant i buys with "
                    + "p × (1 + effect × i) (default: run 0.3, demo 0.5)")
    Double effect;

    @Option(names = "--purchase-probability", defaultValue = "0.10",
            description = "chance that a control player's session ends with a purchase (default ${DEFAULT-VALUE})")
    double purchaseProbability;

    @Option(names = "--batch-size", defaultValue = "100", description = "events per request (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-in-flight", defaultValue = "32", description = "requests outstanding at most (default ${DEFAULT-VALUE})")
    int maxInFlight;

    @Option(names = "--player-prefix", description = "player ids are <prefix>-<n> (default: sim-<random>)")
    String playerPrefix;

    @Option(names = "--seed", description = "random seed of the players' behaviour (default: random)")
    Long seed;

    @Option(names = "--gzip", description = "gzip the request bodies, as some SDKs do")
    boolean gzip;

    int players(int defaultPlayers) {
        return players != null ? players : defaultPlayers;
    }

    double effect(double defaultEffect) {
        return effect != null ? effect : defaultEffect;
    }

    GameSettings gameSettings(int defaultPlayers, double defaultEffect) {
        int players = players(defaultPlayers);
        double effect = effect(defaultEffect);
        String prefix = playerPrefix != null ? playerPrefix : "sim-" + Long.toString(new SecureRandom().nextInt(Integer.MAX_VALUE), 36);
        long theSeed = seed != null ? seed : new SecureRandom().nextLong();
        return new GameSettings(players, Math.min(players, 500), purchaseProbability, effect, 0.7, prefix, theSeed);
    }

    String writeKey() {
        if (writeKey != null && !writeKey.isBlank()) {
            return writeKey;
        }
        return localSecret("write-key").orElseThrow(() -> new IllegalArgumentException(
                "no write key: pass --write-key or set VELTRIX_WRITE_KEY (./veltrix up prints it)"));
    }

    String readToken() {
        return readToken != null && !readToken.isBlank() ? readToken : localSecret("read-token").orElse(null);
    }

    String sdkKey() {
        return sdkKey != null && !sdkKey.isBlank() ? sdkKey : localSecret("sdk-key").orElse(null);
    }

    /** A credential of the local platform (.veltrix/run/secrets.properties), when that file exists. */
    static Optional<String> localSecret(String name) {
        try {
            Path file = Layout.of(VeltrixHome.resolve(), Instance.RUN).instanceDir().resolve("secrets.properties");
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
            return Optional.ofNullable(properties.getProperty(name)).filter(v -> !v.isBlank());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static List<String> keys(List<String> values) {
        List<String> keys = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                for (String key : value.split(",")) {
                    if (!key.isBlank()) {
                        keys.add(key.trim());
                    }
                }
            }
        }
        return keys;
    }
}
