package io.veltrix.stack;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server distributions: finds the archive Maven fetched ({@code ${veltrix.home}/downloads},
 * else the build's downloads folder, else the local Maven repository) and extracts it once into
 * {@code ${veltrix.home}/dist/<name>-<version>/}. A marker file is written last, so an
 * interrupted extraction is redone; a file lock keeps two supervisors from extracting together.
 */
final class Distributions {
    static final String MARKER = ".veltrix-extracted";

    /** One distribution: its folder name, archive and how many leading path elements to drop. */
    record Dist(String name, String version, String archiveFile, String repositoryPath, int stripComponents) {
        static Dist pulsar() {
            return new Dist("pulsar", Versions.get("pulsar.version"), Versions.get("pulsar.archive"),
                    Versions.get("pulsar.repository-path"), 1);
        }

        static Dist apicurio() {
            return new Dist("apicurio-registry", Versions.get("apicurio.version"), Versions.get("apicurio.archive"),
                    Versions.get("apicurio.repository-path"), 0);
        }

        static Dist postgres() {
            return new Dist("postgres", Versions.get("postgres.version"), Versions.get("postgres.archive"),
                    Versions.get("postgres.repository-path"), 0);
        }

        String folderName() {
            return name + "-" + version;
        }
    }

    private final Path home;
    private final Log log;

    Distributions(Path home, Log log) {
        this.home = home;
        this.log = log;
    }

    /** The extracted distribution folder, extracting it first when needed. */
    Path ensure(Dist dist) {
        Path target = home.resolve("dist").resolve(dist.folderName());
        if (Files.exists(target.resolve(MARKER))) {
            return target;
        }
        Path archive = findArchive(dist);
        try {
            Files.createDirectories(target.getParent());
            Path lockFile = target.getParent().resolve("." + dist.folderName() + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lock(channel, Duration.ofMinutes(10), dist)) {
                extractOnce(archive, target, dist.stripComponents(), log);
            }
        } catch (IOException e) {
            throw new StackException("could not extract " + archive + " into " + target + ": " + e.getMessage()
                    + " (check free disk space; delete " + target + " to retry)", e);
        }
        return target;
    }

    /** Extracts unless the marker is there; a folder without marker is a broken earlier attempt and is replaced. */
    static boolean extractOnce(Path archive, Path target, int stripComponents, Log log) throws IOException {
        if (Files.exists(target.resolve(MARKER))) {
            return false;
        }
        if (Files.exists(target)) {
            log.detail("removing incomplete extraction " + target);
            Files2.deleteRecursively(target);
        }
        long started = System.nanoTime();
        log.info("extracting " + archive.getFileName() + " ...");
        Archives.extract(archive, target, stripComponents);
        Files.writeString(target.resolve(MARKER), archive.getFileName() + System.lineSeparator());
        log.detail(String.format("extracted %s into %s in %.1f s", archive.getFileName(), target,
                (System.nanoTime() - started) / 1e9));
        return true;
    }

    Path findArchive(Dist dist) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(home.resolve("downloads").resolve(dist.archiveFile()));
        optional("build.downloads").ifPresent(d -> candidates.add(Path.of(d).resolve(dist.archiveFile())));
        optional("build.local-repository").ifPresent(r -> candidates.add(Path.of(r).resolve(dist.repositoryPath())));
        candidates.add(Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(dist.repositoryPath()));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new StackException(dist.name() + " " + dist.version() + " is not downloaded (looked for " + candidates.get(0)
                + "): run ./mvnw install once (it fetches the servers from Maven Central), or ./veltrix up");
    }

    private static Optional<String> optional(String key) {
        try {
            return Optional.of(Versions.get(key));
        } catch (StackException e) {
            return Optional.empty();
        }
    }

    private static FileLock lock(FileChannel channel, Duration timeout, Dist dist) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new StackException("another process has been extracting " + dist.folderName() + " for "
                        + timeout.toMinutes() + " minutes: check it, or delete " + dist.folderName() + " and retry");
            }
            Await.pause(Duration.ofMillis(500));
        }
    }
}
