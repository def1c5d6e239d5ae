package io.veltrix.experiments.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the reference JavaScript (src/test/resources/node) with Node.js, after installing the pinned npm packages it
 * needs into {@code target/node} with npm. A machine without node fails the test, with what to install: the
 * comparison with the reference packages is part of what the tests prove, so it is never skipped.
 */
public final class NodeRunner {

    /** The reference packages, pinned. */
    public static final String GROWTHBOOK = "@growthbook/growthbook@1.8.0";
    public static final String JSTAT = "jstat@1.9.6";

    private static final Path PREFIX = Path.of("target", "node").toAbsolutePath();

    private NodeRunner() {
    }

    /** Installs the packages (once per build folder) and runs {@code script} with {@code stdin}; returns stdout. */
    public static synchronized String run(String script, String stdin, String... packages) {
        String node = command("node");
        String npm = command("npm");
        for (String pkg : packages) {
            String name = pkg.substring(0, pkg.lastIndexOf('@'));
            String version = pkg.substring(pkg.lastIndexOf('@') + 1);
            Path manifest = PREFIX.resolve("node_modules").resolve(name).resolve("package.json");
            if (!installed(manifest, version)) {
                exec(List.of(npm, "install", "--prefix", PREFIX.toString(), "--no-audit", "--no-fund", "--no-save",
                        "--loglevel=error", pkg), null, 300);
            }
        }
        Path file = PREFIX.resolve(script);
        try (var in = NodeRunner.class.getResourceAsStream("/node/" + script)) {
            if (in == null) {
                fail("missing test resource node/" + script);
            }
            Files.createDirectories(PREFIX);
            Files.write(file, in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return exec(List.of(node, file.toString()), stdin, 300);
    }

    private static boolean installed(Path manifest, String version) {
        try {
            return Files.isRegularFile(manifest) && Files.readString(manifest).contains("\"version\": \"" + version + "\"");
        } catch (IOException e) {
            return false;
        }
    }

    private static String command(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        fail("'" + name + "' was not found on PATH. These tests compare the Java results with reference JavaScript "
                + "packages (" + GROWTHBOOK + ", " + JSTAT + ") and need Node.js 18+ with npm: install it "
                + "(e.g. apt-get install -y nodejs npm) and run again.");
        return null;
    }

    private static String exec(List<String> command, String stdin, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("node-out", ".txt");
            Path err = Files.createTempFile("node-err", ".txt");
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("NODE_PATH", PREFIX.resolve("node_modules").toString());
            Process process = builder.start();
            try (var stdinStream = process.getOutputStream()) {
                if (stdin != null) {
                    stdinStream.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
            }
            String stdout = Files.readString(out);
            String stderr = Files.readString(err);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            if (process.exitValue() != 0) {
                fail(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + stderr);
            }
            return stdout;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
