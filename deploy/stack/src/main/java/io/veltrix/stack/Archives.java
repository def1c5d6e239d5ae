package io.veltrix.stack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks .tar.gz, .tar.xz/.txz, and a .jar/.zip that carries one of those (the zonky PostgreSQL
 * binaries), keeping POSIX permissions (exec bits) and symbolic links, refusing entries that
 * would land outside the target folder.
 */
final class Archives {
    private static final int BUFFER = 1 << 16;

    private Archives() {
    }

    /** Extracts {@code archive} into {@code target}, dropping the first {@code stripComponents} path elements. */
    static void extract(Path archive, Path target, int stripComponents) throws IOException {
        Files.createDirectories(target);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), BUFFER)) {
            extract(archive.getFileName().toString(), in, target, stripComponents);
        }
    }

    private static void extract(String name, InputStream in, Path target, int stripComponents) throws IOException {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) {
            untar(new GZIPInputStream(in, BUFFER), target, stripComponents);
        } else if (lower.endsWith(".tar.xz") || lower.endsWith(".txz")) {
            untar(new XZCompressorInputStream(in), target, stripComponents);
        } else if (lower.endsWith(".tar")) {
            untar(in, target, stripComponents);
        } else if (lower.endsWith(".jar") || lower.endsWith(".zip")) {
            ZipInputStream zip = new ZipInputStream(in);
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String entryName = entry.getName().toLowerCase(java.util.Locale.ROOT);
                if (!entry.isDirectory() && (entryName.endsWith(".txz") || entryName.endsWith(".tar.xz")
                        || entryName.endsWith(".tar.gz") || entryName.endsWith(".tgz"))) {
                    extract(entry.getName(), zip, target, stripComponents);
                    return;
                }
            }
            throw new IOException(name + " contains no .txz / .tar.xz / .tar.gz archive");
        } else {
            throw new IOException("unsupported archive type: " + name);
        }
    }

    private static void untar(InputStream in, Path target, int stripComponents) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        Map<Path, Integer> directoryModes = new LinkedHashMap<>();
        List<TarArchiveEntry> hardLinks = new ArrayList<>();
        List<Path> hardLinkPaths = new ArrayList<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
            Path path = destination(root, entry.getName(), stripComponents);
            if (path == null) {
                continue;
            }
            if (entry.isDirectory()) {
                Files.createDirectories(path);
                directoryModes.put(path, entry.getMode());
            } else if (entry.isSymbolicLink()) {
                Files.createDirectories(path.getParent());
                Path link = Path.of(entry.getLinkName());
                if (link.isAbsolute() || !path.getParent().resolve(link).normalize().startsWith(root)) {
                    throw new IOException("refusing symbolic link leaving the target folder: " + entry.getName()
                            + " -> " + entry.getLinkName());
                }
                Files.deleteIfExists(path);
                Files.createSymbolicLink(path, link);
            } else if (entry.isLink()) {
                hardLinks.add(entry);
                hardLinkPaths.add(path);
            } else if (entry.isFile()) {
                Files.createDirectories(path.getParent());
                Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                setMode(path, entry.getMode());
            }
        }
        for (int i = 0; i < hardLinks.size(); i++) {
            Path source = destination(root, hardLinks.get(i).getLinkName(), stripComponents);
            if (source == null || !Files.exists(source)) {
                throw new IOException("hard link to a missing entry: " + hardLinks.get(i).getName());
            }
            Files.createDirectories(hardLinkPaths.get(i).getParent());
            Files.copy(source, hardLinkPaths.get(i), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
        for (Map.Entry<Path, Integer> dir : directoryModes.entrySet()) {
            // directories stay writable and traversable for us, whatever the archive says
            setMode(dir.getKey(), dir.getValue() | 0700);
        }
    }

    /** Where an entry goes, or null when stripping leaves nothing (the top folder itself). */
    static Path destination(Path root, String entryName, int stripComponents) throws IOException {
        String name = entryName.replace('\\', '/');
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        String[] parts = name.split("/+");
        List<String> kept = new ArrayList<>();
        int skipped = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (skipped < stripComponents) {
                skipped++;
                continue;
            }
            kept.add(part);
        }
        if (kept.isEmpty()) {
            return null;
        }
        Path path = root.resolve(String.join("/", kept)).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IOException("refusing archive entry outside the target folder: " + entryName);
        }
        return path;
    }

    static void setMode(Path path, int mode) throws IOException {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        int bits = mode == 0 ? 0644 : mode;
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                permissions.add(order[i]);
            }
        }
        if (Files.isSymbolicLink(path)) {
            return;
        }
        Files.setPosixFilePermissions(path, permissions);
    }
}
