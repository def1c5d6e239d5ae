package io.veltrix.stack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The classpath of a supervisor JVM, computed from where this module's classes and its dependencies'
 * classes were loaded from (their code sources), plus the runtime classpath Maven recorded at build
 * time ({@code runtime-classpath.txt}) — never from {@code java.class.path}, whose surefire booter jar
 * disappears when the test JVM exits.
 */
final class Classpath {
    /** One class from each runtime dependency. */
    static final List<String> ANCHORS = List.of(
            "org.apache.commons.compress.archivers.tar.TarArchiveInputStream",
            "org.tukaani.xz.XZInputStream",
            "org.postgresql.Driver",
            "io.veltrix.schemas.registry.SchemaRegistrar");

    private Classpath() {
    }

    static List<Path> forSupervisor() {
        Set<Path> entries = new LinkedHashSet<>();
        entries.add(codeSource(Classpath.class).orElseThrow(() ->
                new StackException("cannot tell where the veltrix-stack classes come from")));
        for (String anchor : ANCHORS) {
            try {
                codeSource(Class.forName(anchor, false, Classpath.class.getClassLoader())).ifPresent(entries::add);
            } catch (ClassNotFoundException | LinkageError e) {
                // listed in runtime-classpath.txt
            }
        }
        entries.addAll(recordedRuntimeClasspath());
        List<Path> existing = new ArrayList<>();
        for (Path entry : entries) {
            if (Files.exists(entry)) {
                existing.add(entry);
            }
        }
        return existing;
    }

    static String asString(List<Path> entries) {
        List<String> parts = new ArrayList<>();
        entries.forEach(p -> parts.add(p.toString()));
        return String.join(File.pathSeparator, parts);
    }

    static Optional<Path> codeSource(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath().normalize());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The entries Maven's dependency:build-classpath wrote next to our classes. */
    static List<Path> recordedRuntimeClasspath() {
        List<Path> entries = new ArrayList<>();
        try (InputStream in = Classpath.class.getResourceAsStream("runtime-classpath.txt")) {
            if (in == null) {
                return entries;
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            for (String part : text.split(java.util.regex.Pattern.quote(File.pathSeparator))) {
                if (!part.isBlank()) {
                    entries.add(Path.of(part.trim()).toAbsolutePath().normalize());
                }
            }
        } catch (IOException e) {
            // the code sources alone will do
        }
        return entries;
    }

    /**
     * Loads every class of this module now, so a long-running supervisor keeps working even if
     * {@code target/classes} is cleaned or rebuilt under it.
     */
    static void preloadOwnClasses() {
        Optional<Path> source = codeSource(Classpath.class);
        if (source.isEmpty()) {
            return;
        }
        String prefix = Classpath.class.getPackageName().replace('.', '/') + "/";
        List<String> names = new ArrayList<>();
        try {
            if (Files.isDirectory(source.get())) {
                Path dir = source.get().resolve(prefix);
                try (var files = Files.list(dir)) {
                    files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
                            .forEach(n -> names.add(prefix + n));
                }
            } else {
                try (JarFile jar = new JarFile(source.get().toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        String n = e.nextElement().getName();
                        if (n.startsWith(prefix) && n.endsWith(".class") && n.indexOf('/', prefix.length()) < 0) {
                            names.add(n);
                        }
                    }
                }
            }
        } catch (IOException e) {
            return;
        }
        for (String name : names) {
            String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
            try {
                Class.forName(className, true, Classpath.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // not fatal: it only protects against a rebuild under a running supervisor
            }
        }
    }
}
