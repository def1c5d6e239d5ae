package io.veltrix.deploy.kubernetes;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the manifests must agree with, read from the project itself: the services' ports, the servers' versions. */
final class ProjectFacts {

    private static final Pattern CLASS_DECLARATION =
            Pattern.compile("(?m)^(public\\s+)?((final|abstract)\\s+)*class\\s");

    private final Path root;

    ProjectFacts(Path root) {
        this.root = root;
    }

    /** The project root: {@code veltrix.project.root} (set by the build), else two levels up from this module. */
    static ProjectFacts fromBuild() {
        String configured = System.getProperty("veltrix.project.root");
        Path root = configured != null ? Path.of(configured) : Path.of("../..");
        return new ProjectFacts(root.toAbsolutePath().normalize());
    }

    Path root() {
        return root;
    }

    /** deploy/kubernetes. */
    Path kubernetesDir() {
        return root.resolve("deploy").resolve("kubernetes");
    }

    /** The service's {@code quarkus.http.port} from its application.properties (the module is named like the Deployment). */
    int httpPort(String service) {
        return Integer.parseInt(property(service, "quarkus.http.port")
                .orElseThrow(() -> new IllegalStateException(service + " sets no quarkus.http.port")).trim());
    }

    /** The service's management interface port (health, metrics, OpenAPI), when the interface is on. */
    Optional<Integer> managementPort(String service) {
        if (!property(service, "quarkus.management.enabled").map(v -> v.trim().equals("true")).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(property(service, "quarkus.management.port").orElse("9000").trim()));
    }

    /** A key of the service's application.properties (default profile), as written. */
    Optional<String> property(String service, String key) {
        Properties properties = new Properties();
        Path file = root.resolve(service).resolve("src/main/resources/application.properties");
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return Optional.ofNullable(properties.getProperty(key)).map(String::trim);
    }

    /** A property of the root pom, e.g. {@code pulsar.version}: the versions the local stack and the tests run. */
    String pomProperty(String name) {
        String pom = read(root.resolve("pom.xml"));
        Matcher matcher = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        if (!matcher.find()) {
            throw new IllegalStateException("the root pom has no property " + name);
        }
        return matcher.group(1).trim();
    }

    /**
     * The paths the service's JAX-RS resources answer (class {@code @Path} + method {@code @Path}), except its
     * admin API ({@code /admin/...}): what game clients may be routed to. Read from the sources, as written.
     */
    Set<String> publicPaths(String service) {
        Set<String> paths = new TreeSet<>();
        Pattern annotation = Pattern.compile("@Path\\(\"([^\"]*)\"\\)");
        try (Stream<Path> files = Files.walk(root.resolve(service).resolve("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = read(file);
                // the class declaration, not the word in a comment
                Matcher declaration = CLASS_DECLARATION.matcher(source);
                int classAt = declaration.find() ? declaration.start() : -1;
                Matcher m = annotation.matcher(source);
                String classPath = null;
                List<String> methodPaths = new ArrayList<>();
                while (m.find()) {
                    if (classAt >= 0 && m.start() < classAt) {
                        classPath = m.group(1);
                    } else {
                        methodPaths.add(m.group(1));
                    }
                }
                if (classPath == null || classPath.startsWith("/admin")) {
                    continue;
                }
                if (methodPaths.isEmpty()) {
                    paths.add(classPath);
                }
                for (String method : methodPaths) {
                    paths.add(classPath.replaceAll("/$", "") + (method.startsWith("/") ? method : "/" + method));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return paths;
    }

    /** deploy/kubernetes/README.md, where every Secret the manifests reference is documented. */
    String kubernetesReadme() {
        return read(kubernetesDir().resolve("README.md"));
    }

    /** Copies the kustomize tree ({@code base}, {@code overlays}) into {@code target}, for tests that damage or edit a copy. */
    void copyManifestsInto(Path target) throws java.io.IOException {
        for (String dir : List.of("base", "overlays")) {
            Path from = kubernetesDir().resolve(dir);
            try (var paths = java.nio.file.Files.walk(from)) {
                for (Path path : paths.toList()) {
                    Path to = target.resolve(dir).resolve(from.relativize(path).toString());
                    if (java.nio.file.Files.isDirectory(path)) {
                        java.nio.file.Files.createDirectories(to);
                    } else {
                        java.nio.file.Files.copy(path, to);
                    }
                }
            }
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
