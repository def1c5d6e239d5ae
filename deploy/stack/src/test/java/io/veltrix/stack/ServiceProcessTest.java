package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {
    @TempDir
    Path dir;

    /** A runnable jar holding FakeService, standing in for target/quarkus-app/quarkus-run.jar. */
    private Path fakeRunnerJar() throws IOException {
        Path jar = dir.resolve("fake-service/target/quarkus-app/quarkus-run.jar");
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
        String entry = FakeService.class.getName().replace('.', '/') + ".class";
        Path classFile = Classpath.codeSource(FakeService.class).orElseThrow().resolve(entry);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.putNextEntry(new JarEntry(entry));
            jarOut.write(Files.readAllBytes(classFile));
        }
        return jar;
    }

    @Test
    void startsWaitsReadyKillsAndStops() throws IOException {
        Path jar = fakeRunnerJar();
        assertEquals(jar, ServiceProcess.runnerJar(dir, "fake-service"));
        ServiceProcess.Builder builder = ServiceProcess.builder("fake-service", jar)
                .httpPort(Ports.freePort())
                .env(Map.of("VELTRIX_PULSAR_URL", "pulsar://127.0.0.1:6660"))
                .systemProperty("greeting", "hello")
                .logsDir(dir.resolve("logs"))
                .readyTimeout(Duration.ofSeconds(30));

        ServiceProcess service = builder.start();
        assertTrue(service.isAlive());
        assertTrue(service.pid() > 0);
        Http.Response health = Http.get(service.managementUrl() + "/q/health/ready", Duration.ofSeconds(2));
        assertEquals(200, health.status());
        assertTrue(health.body().contains("pulsar://127.0.0.1:6660"), "the environment reaches the service");

        service.kill(); // crash
        assertFalse(service.isAlive());
        assertEquals(137, service.exitCode().orElseThrow());

        ServiceProcess again = builder.start(); // same spec, started again after the crash
        assertEquals(service.managementUrl(), again.managementUrl(), "the management port stays the builder's");
        assertNotEquals(service.baseUrl(), service.managementUrl());
        again.stop();
        assertFalse(again.isAlive());
        String log = Files.readString(dir.resolve("logs/fake-service.log"));
        assertTrue(log.contains("fake service listening on " + again.httpPort() + " with hello"), log);
        assertTrue(log.contains("fake service stopping"), "SIGTERM lets the service shut down: " + log);
    }

    @Test
    void aMissingJarOrADeadServiceSaysWhy() throws IOException {
        StackException missing = assertThrows(StackException.class,
                () -> ServiceProcess.builder("ingest-service", dir.resolve("nope.jar")).logsDir(dir).start());
        assertTrue(missing.getMessage().contains("is not built"), missing.getMessage());

        Path notAJar = dir.resolve("broken.jar");
        Files.writeString(notAJar, "not a jar");
        StackException dead = assertThrows(StackException.class, () -> ServiceProcess.builder("broken", notAJar)
                .httpPort(Ports.freePort()).logsDir(dir.resolve("logs")).start());
        assertTrue(dead.getMessage().contains("broken exited during start-up"), dead.getMessage());
        assertTrue(dead.getMessage().contains("Last lines of"), dead.getMessage());
    }
}
