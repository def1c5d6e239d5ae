package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesAndLockTest {
    @TempDir
    Path dir;

    private Process childJvm(String mode, Path file) throws IOException {
        List<Path> cp = new ArrayList<>(Classpath.forSupervisor());
        cp.add(Classpath.codeSource(LockHolder.class).orElseThrow());
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", Classpath.asString(cp), LockHolder.class.getName(), mode, file.toString())
                .redirectErrorStream(true).start();
    }

    private static String firstLine(Process process) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            return reader.readLine();
        }
    }

    @Test
    void lockIsHeldWhileTheHolderLivesAndFreedWhenItIsKilled() throws Exception {
        Path file = dir.resolve("stack.lock");
        Process holder = childJvm("hold", file);
        BufferedReader reader = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", reader.readLine());
        assertTrue(StackLock.isHeld(file));
        assertTrue(StackLock.tryAcquire(file, Duration.ofMillis(300)).isEmpty());

        holder.destroyForcibly(); // kill -9: the OS releases the lock
        assertTrue(Processes.waitForExit(holder.toHandle(), Duration.ofSeconds(10)));
        assertFalse(StackLock.isHeld(file));
        try (StackLock lock = StackLock.tryAcquire(file, Duration.ofSeconds(1)).orElseThrow()) {
            assertTrue(StackLock.isHeld(file));
            assertTrue(StackLock.isHeld(file)); // probing from the holding JVM must not drop the lock...
            Process probe = childJvm("probe", file);
            assertEquals("held", firstLine(probe)); // ...as another process still sees it held
            probe.waitFor();
        }
        assertFalse(StackLock.isHeld(file));
    }

    @Test
    void recognisesOurProcessByMarkerAndStopsItWithItsChildren() throws Exception {
        String marker = dir.toString() + "/marker/";
        Process process = Processes.start(List.of("sh", "-c", "sleep 60; true", marker), dir, Map.of(),
                dir.resolve("sh.log"), false);
        ProcessHandle handle = process.toHandle();
        assertTrue(Await.until(Duration.ofSeconds(5), Duration.ofMillis(50), () -> handle.descendants().findAny().isPresent()));
        List<ProcessHandle> children = handle.descendants().toList();

        assertTrue(Processes.commandLine(handle).contains(marker), Processes.commandLine(handle));
        assertTrue(Processes.ours(process.pid(), marker).isPresent());
        assertEquals(Optional.empty(), Processes.ours(process.pid(), "/some/other/instance/"));
        assertEquals(Optional.empty(), Processes.ours(ProcessHandle.current().pid(), ""));

        assertFalse(Processes.stop(handle, "TERM", Duration.ofSeconds(10), "sh", new Log(null, null)));
        assertFalse(handle.isAlive());
        assertTrue(Await.until(Duration.ofSeconds(5), Duration.ofMillis(50),
                () -> children.stream().noneMatch(ProcessHandle::isAlive)), "no child left behind");
    }

    @Test
    void killsWhatIgnoresTheSignal() throws Exception {
        Process process = Processes.start(List.of("sh", "-c", "trap '' TERM INT; while true; do sleep 1; done"), dir, Map.of(),
                dir.resolve("stubborn.log"), false);
        Await.pause(Duration.ofMillis(300));
        assertTrue(Processes.stop(process.toHandle(), "INT", Duration.ofSeconds(1), "stubborn", new Log(null, null)));
        assertFalse(process.isAlive());
    }

    @Test
    void mavenOwnerIsAnAncestor() {
        Optional<ProcessHandle> owner = SupervisorLauncher.mavenProcess();
        assertTrue(owner.isPresent());
        long pid = owner.get().pid();
        boolean ancestor = false;
        for (Optional<ProcessHandle> p = ProcessHandle.current().parent(); p.isPresent(); p = p.get().parent()) {
            ancestor |= p.get().pid() == pid;
        }
        assertTrue(ancestor);
    }
}
