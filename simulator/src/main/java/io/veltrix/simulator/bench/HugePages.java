package io.veltrix.simulator.bench;

import io.quarkus.logging.Log;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Huge pages for PostgreSQL's shared buffers while the benchmark runs, as a database host in production is set up
 * (the stack starts PostgreSQL with {@code huge_pages=try}: it uses them when the kernel has them reserved, and
 * ordinary pages otherwise). With 4 KB pages the event log's index inserts spent most of their time on address
 * translation in this virtual machine (measured: 1,000 inserts into the bench's 2.6-M-row partition 17-19 ms, with
 * huge pages 12 ms; BENCHMARKS.md, 2026-12-02). Reserving them is the kernel's {@code vm.nr_hugepages}, which only
 * root may change: the benchmark raises it for its stack when it can, and puts the previous value back when the
 * stack stops. Without root, or with {@code --no-huge-pages}, the kernel is left alone and the report says so.
 */
final class HugePages implements AutoCloseable {

    static final Path NR_HUGEPAGES = Path.of("/proc/sys/vm/nr_hugepages");
    static final Path MEMINFO = Path.of("/proc/meminfo");
    /** The stack's shared_buffers (512 MB, PostgresServer) and PostgreSQL's other shared memory, with room. */
    static final long POSTGRES_SHARED_BYTES = 600L * 1024 * 1024;

    private final Path nrHugepages;
    private final long previous;
    private final long reserved;
    private final String description;

    private HugePages(Path nrHugepages, long previous, long reserved, String description) {
        this.nrHugepages = nrHugepages;
        this.previous = previous;
        this.reserved = reserved;
        this.description = description;
    }

    /** Nothing reserved, for the reason given. */
    static HugePages none(String why) {
        return new HugePages(NR_HUGEPAGES, -1, 0, why);
    }

    /** Reserves what PostgreSQL's shared memory needs, if the kernel does not have it free already and we may. */
    static HugePages reserve() {
        return reserve(NR_HUGEPAGES, MEMINFO, POSTGRES_SHARED_BYTES, Files.isWritable(NR_HUGEPAGES));
    }

    /** @param writable whether this process may change {@code nrHugepages} (root) */
    static HugePages reserve(Path nrHugepages, Path meminfo, long bytes, boolean writable) {
        try {
            List<String> info = Files.readAllLines(meminfo);
            OptionalLong pageKb = field(info, "Hugepagesize");
            OptionalLong free = field(info, "HugePages_Free");
            if (pageKb.isEmpty() || free.isEmpty() || !Files.exists(nrHugepages)) {
                return none("this kernel has no huge pages");
            }
            long pageBytes = pageKb.getAsLong() * 1024;
            long needed = (bytes + pageBytes - 1) / pageBytes;
            String size = pageKb.getAsLong() / 1024 + " MB";
            if (free.getAsLong() >= needed) {
                return none(String.format(Locale.ROOT, "%,d huge pages of %s were free already (%,d needed)",
                        free.getAsLong(), size, needed));
            }
            if (!writable) {
                return none(String.format(Locale.ROOT, "not reserved: %,d huge pages of %s needed, %,d free, and only root "
                        + "may raise vm.nr_hugepages (PostgreSQL used ordinary 4 KB pages)", needed, size, free.getAsLong()));
            }
            long previous = number(nrHugepages);
            long wanted = previous + needed - free.getAsLong();
            Files.writeString(nrHugepages, Long.toString(wanted));
            long now = number(nrHugepages);
            String description = String.format(Locale.ROOT, "vm.nr_hugepages raised from %,d to %,d (%s each; %,d asked, "
                    + "the kernel found %,d) for the run, put back afterwards", previous, now, size, wanted, now);
            Log.infof("huge pages for PostgreSQL's shared buffers: %s (--no-huge-pages leaves the kernel alone)", description);
            return new HugePages(nrHugepages, previous, now - previous, description);
        } catch (IOException | NumberFormatException e) {
            return none("not reserved: " + e.getMessage());
        }
    }

    /**
     * A number from a sysctl file, read in one piece: a sysctl file answers only a read at offset 0 (Files.readString
     * reads one byte first, and then gets nothing more: "300" read as "3").
     */
    private static long number(Path sysctl) throws IOException {
        try (InputStream in = Files.newInputStream(sysctl)) {
            return Long.parseLong(new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip());
        }
    }

    private static OptionalLong field(List<String> meminfo, String name) {
        for (String line : meminfo) {
            if (line.startsWith(name + ":")) {
                String value = line.substring(name.length() + 1).strip().split("\\s+")[0];
                return OptionalLong.of(Long.parseLong(value));
            }
        }
        return OptionalLong.empty();
    }

    /** What was done, for the report. */
    String describe() {
        return description;
    }

    /** Pages this run added to the kernel's reservation. */
    long reserved() {
        return reserved;
    }

    /** Puts the previous reservation back (after PostgreSQL stopped, or the pages stay in use until it does). */
    @Override
    public void close() {
        if (previous < 0 || reserved == 0) {
            return;
        }
        try {
            Files.writeString(nrHugepages, Long.toString(previous));
        } catch (IOException e) {
            Log.warnf("could not put vm.nr_hugepages back to %d: %s", previous, e.getMessage());
        }
    }
}
