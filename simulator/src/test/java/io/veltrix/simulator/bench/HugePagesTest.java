package io.veltrix.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HugePagesTest {

    private static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    private Path meminfo(long free) throws IOException {
        return Files.writeString(dir.resolve("meminfo"), """
                MemTotal:       24000000 kB
                HugePages_Total:      10
                HugePages_Free:       %d
                Hugepagesize:       2048 kB
                """.formatted(free));
    }

    @Test
    void raisesTheReservationByWhatIsMissingAndPutsThePreviousValueBack() throws IOException {
        Path nr = Files.writeString(dir.resolve("nr_hugepages"), "10\n");
        HugePages pages = HugePages.reserve(nr, meminfo(4), 600 * MB, true);
        // 600 MB in 2 MB pages is 300; 4 are free: 296 more than the 10 reserved
        assertEquals("306", Files.readString(nr).strip());
        assertEquals(296, pages.reserved());
        assertTrue(pages.describe().contains("from 10 to 306"), pages.describe());
        pages.close();
        assertEquals("10", Files.readString(nr));
    }

    @Test
    void leavesTheKernelAloneWhenEnoughAreFree() throws IOException {
        Path nr = Files.writeString(dir.resolve("nr_hugepages"), "400\n");
        HugePages pages = HugePages.reserve(nr, meminfo(350), 600 * MB, true);
        assertEquals(0, pages.reserved());
        assertTrue(pages.describe().contains("were free already"), pages.describe());
        pages.close();
        assertEquals("400\n", Files.readString(nr));
    }

    @Test
    void saysSoWhenItMayNotChangeTheReservation() throws IOException {
        Path nr = Files.writeString(dir.resolve("nr_hugepages"), "0\n");
        HugePages pages = HugePages.reserve(nr, meminfo(0), 600 * MB, false);
        assertEquals(0, pages.reserved());
        assertTrue(pages.describe().contains("only root"), pages.describe());
        pages.close();
        assertEquals("0\n", Files.readString(nr));
    }

    @Test
    void aKernelWithoutHugePagesIsNoError() throws IOException {
        Path info = Files.writeString(dir.resolve("meminfo"), "MemTotal: 1000 kB\n");
        HugePages pages = HugePages.reserve(dir.resolve("absent"), info, 600 * MB, true);
        assertEquals(0, pages.reserved());
        assertEquals("this kernel has no huge pages", pages.describe());
    }
}
