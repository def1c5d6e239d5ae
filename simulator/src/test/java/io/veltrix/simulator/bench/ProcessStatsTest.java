package io.veltrix.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The CPU accounting of a process that forks workers (PostgreSQL) keeps the time of the workers that exited. */
class ProcessStatsTest {

    @Test
    void theCpuTimeOfAChildThatExitedStillCounts() throws Exception {
        long self = ProcessHandle.current().pid();
        double before = ProcessStats.cpuSecondsWithChildren(self) - ProcessStats.cpuSeconds(self);
        // about a second of busy shell, then it exits and this JVM reaps it
        Process child = new ProcessBuilder("sh", "-c",
                "end=$(($(date +%s) + 2)); while [ $(date +%s) -lt $end ]; do i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; done")
                .start();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the busy child did not finish");
        assertEquals(0, child.exitValue());
        double after = ProcessStats.cpuSecondsWithChildren(self) - ProcessStats.cpuSeconds(self);
        assertTrue(after - before >= 0.2, "the exited child's CPU time is lost: " + before + " s before, " + after + " s after");
    }

    @Test
    void theJitsShareIsOfTheCpuSpentAndNeverNegative() {
        assertEquals(0.25, ProcessStats.jitShare(0.5, 2.0), 1e-9);
        assertEquals(0, ProcessStats.jitShare(-0.1, 2.0)); // a compiler thread ended
        assertEquals(0, ProcessStats.jitShare(0.5, 0)); // no CPU spent
    }
}
