package io.veltrix.stack;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Finds a JDK of at least a given feature version (Apicurio Registry needs 21+): env
 * {@code APICURIO_JAVA_HOME}, else {@code JAVA_HOME} when its {@code release} file says 21+, else
 * the running JVM when it is 21+, else the newest JDK under {@code /usr/lib/jvm}.
 */
public final class JdkLocator {
    private final Settings settings;
    private final Path runningJavaHome;
    private final int runningFeature;
    private final List<Path> scanRoots;

    JdkLocator(Settings settings, Path runningJavaHome, int runningFeature, List<Path> scanRoots) {
        this.settings = settings;
        this.runningJavaHome = runningJavaHome;
        this.runningFeature = runningFeature;
        this.scanRoots = scanRoots;
    }

    public static JdkLocator current() {
        return new JdkLocator(Settings.current(), Path.of(System.getProperty("java.home")),
                Runtime.version().feature(), List.of(Path.of("/usr/lib/jvm")));
    }

    /** The java executable of a JDK for Apicurio Registry. */
    public Path apicurioJava() {
        return locate(21, "APICURIO_JAVA_HOME", "Apicurio Registry").resolve("bin").resolve("java");
    }

    /** A Java home of at least {@code minFeature}. */
    Path locate(int minFeature, String overrideEnv, String forWhat) {
        Optional<String> override = settings.env(overrideEnv);
        if (override.isPresent()) {
            Path home = Path.of(override.get());
            int feature = featureVersion(home).orElse(-1);
            if (!hasJava(home) || feature < minFeature) {
                throw new StackException(overrideEnv + "=" + home + " is not a JDK " + minFeature + "+ (found "
                        + (feature < 0 ? "no release file / bin/java" : "Java " + feature) + "): point it to a JDK "
                        + minFeature + " or newer");
            }
            return home;
        }
        Optional<String> javaHome = settings.env("JAVA_HOME");
        if (javaHome.isPresent()) {
            Path home = Path.of(javaHome.get());
            if (hasJava(home) && featureVersion(home).orElse(-1) >= minFeature) {
                return home;
            }
        }
        if (runningFeature >= minFeature && hasJava(runningJavaHome)) {
            return runningJavaHome;
        }
        List<Path> found = new ArrayList<>();
        for (Path root : scanRoots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
                for (Path dir : dirs) {
                    if (hasJava(dir) && featureVersion(dir).orElse(-1) >= minFeature) {
                        found.add(dir);
                    }
                }
            } catch (IOException e) {
                // unreadable folder: nothing found there
            }
        }
        return found.stream()
                .max(Comparator.comparingInt((Path p) -> featureVersion(p).orElse(-1)).thenComparing(Path::toString))
                .orElseThrow(() -> new StackException("no JDK " + minFeature + "+ found for " + forWhat + ": set "
                        + overrideEnv + " (looked at JAVA_HOME, the running JVM " + runningFeature + " and "
                        + scanRoots + ")"));
    }

    private static boolean hasJava(Path home) {
        return Files.isRegularFile(home.resolve("bin").resolve("java"));
    }

    /** The feature version from a JDK's {@code release} file ({@code JAVA_VERSION="21.0.2"} → 21, "1.8.0_392" → 8). */
    static Optional<Integer> featureVersion(Path javaHome) {
        Path release = javaHome.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (var in = Files.newInputStream(release)) {
            properties.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        return parseFeature(properties.getProperty("JAVA_VERSION"));
    }

    static Optional<Integer> parseFeature(String javaVersion) {
        if (javaVersion == null) {
            return Optional.empty();
        }
        String v = javaVersion.replace("\"", "").trim();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)(?:\\.(\\d+))?").matcher(v);
        if (!m.find()) {
            return Optional.empty();
        }
        int first = Integer.parseInt(m.group(1));
        if (first == 1 && m.group(2) != null) {
            return Optional.of(Integer.parseInt(m.group(2)));
        }
        return Optional.of(first);
    }
}
