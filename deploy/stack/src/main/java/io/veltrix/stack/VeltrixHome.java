package io.veltrix.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the stack keeps downloads, extracted servers, data and logs: system property
 * {@code veltrix.home}, else env {@code VELTRIX_HOME}, else {@code .veltrix} in the project
 * root (the nearest ancestor of the working directory that has a {@code .mvn/} folder).
 */
public final class VeltrixHome {
    private VeltrixHome() {
    }

    public static Path resolve() {
        return resolve(Settings.current(), Path.of("").toAbsolutePath());
    }

    static Path resolve(Settings settings, Path workingDir) {
        Optional<String> explicit = settings.systemProperty("veltrix.home").filter(s -> !s.isBlank())
                .or(() -> settings.env("VELTRIX_HOME"));
        if (explicit.isPresent()) {
            return Path.of(explicit.get()).toAbsolutePath().normalize();
        }
        return projectRoot(workingDir).map(root -> root.resolve(".veltrix"))
                .orElseThrow(() -> new StackException("cannot find the Veltrix project root (a folder with .mvn/) above "
                        + workingDir + ": run from inside the project, or set VELTRIX_HOME"));
    }

    /** The nearest ancestor (or the directory itself) that contains a {@code .mvn} folder. */
    public static Optional<Path> projectRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".mvn"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }
}
