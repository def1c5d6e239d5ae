package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistributionsTest {
    @TempDir
    Path dir;

    @Test
    void extractsOnceAndRedoesAnInterruptedExtraction() throws IOException {
        Path archive = dir.resolve("dist-1.0-bin.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
            out.write(ArchivesTest.tar("dist-1.0/"));
        }
        Path target = dir.resolve("dist/dist-1.0");
        Log log = new Log(dir.resolve("stack.log"), null);

        // an interrupted earlier attempt: folder present, marker missing, a stray file inside
        Files.createDirectories(target);
        Files.writeString(target.resolve("half-written"), "x");
        assertTrue(Distributions.extractOnce(archive, target, 1, log));
        assertFalse(Files.exists(target.resolve("half-written")));
        assertTrue(Files.exists(target.resolve(Distributions.MARKER)));
        assertTrue(Files.isExecutable(target.resolve("bin/run")));

        // the marker is there: nothing to do, even if the archive is gone
        Files.delete(archive);
        assertFalse(Distributions.extractOnce(archive, target, 1, log));
    }

    @Test
    void versionsAreFilteredByMaven() {
        assertTrue(Versions.get("pulsar.archive").startsWith("pulsar-server-distribution-"));
        assertTrue(Versions.get("apicurio.archive").endsWith("-all.tar.gz"));
        assertTrue(Versions.get("postgres.archive").endsWith(".jar"));
    }
}
