package io.veltrix.stack;

import java.io.File;
import java.nio.file.Path;

/** The folders and files of one instance under {@code ${veltrix.home}/<instance>/}. */
public record Layout(Path home, Instance instance) {

    public static Layout of(Path home, Instance instance) {
        return new Layout(home.toAbsolutePath().normalize(), instance);
    }

    public Path instanceDir() {
        return home.resolve(instance.id());
    }

    public Path dataDir() {
        return instanceDir().resolve("data");
    }

    public Path pulsarData() {
        return dataDir().resolve("pulsar");
    }

    public Path postgresData() {
        return dataDir().resolve("postgres");
    }

    public Path apicurioData() {
        return dataDir().resolve("apicurio");
    }

    public Path logsDir() {
        return instanceDir().resolve("logs");
    }

    public Path lockFile() {
        return instanceDir().resolve("stack.lock");
    }

    /** Held by whoever is launching a supervisor, so parallel test JVMs start only one. */
    public Path launchLockFile() {
        return instanceDir().resolve("launch.lock");
    }

    public Path stateFile() {
        return instanceDir().resolve("stack.state");
    }

    /** The embedded PostgreSQL's port, chosen once and reused while free. */
    public Path postgresPortFile() {
        return instanceDir().resolve("postgres.port");
    }

    public Path stackLog() {
        return logsDir().resolve("stack.log");
    }

    public Path downloadsDir() {
        return home.resolve("downloads");
    }

    public Path distDir() {
        return home.resolve("dist");
    }

    /**
     * A string found in the command line of every process this instance starts (paths below the
     * instance folder, or {@code -Dveltrix.stack.marker=}), so we never stop an unrelated process.
     */
    public String processMarker() {
        return instanceDir().toString() + File.separator;
    }
}
