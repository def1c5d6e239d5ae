package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void systemPropertyWinsOverEnvironment() {
        Settings settings = new Settings(Map.of("veltrix.run.pulsar.web-port", "9001"),
                Map.of("VELTRIX_RUN_PULSAR_WEB_PORT", "9002", "VELTRIX_RUN_PULSAR_PORT", "9003"));
        assertEquals(9001, settings.port("veltrix.run.pulsar.web-port", 1));
        assertEquals(9003, settings.port("veltrix.run.pulsar.port", 1));
        assertEquals(7, settings.port("veltrix.run.registry.port", 7));
        assertEquals("VELTRIX_RUN_REGISTRY_MANAGEMENT_PORT", Settings.envName("veltrix.run.registry.management-port"));
    }

    @Test
    void badPortSaysWhichSetting() {
        Settings settings = new Settings(Map.of(), Map.of("VELTRIX_TEST_PULSAR_PORT", "70000"));
        StackException e = assertThrows(StackException.class, () -> settings.port("veltrix.test.pulsar.port", 1));
        assertTrue(e.getMessage().contains("VELTRIX_TEST_PULSAR_PORT"), e.getMessage());
    }

    @Test
    void flags() {
        Settings settings = new Settings(Map.of("veltrix.stack.keep", "true"), Map.of("VELTRIX_OTHER", "no"));
        assertTrue(settings.flag("veltrix.stack.keep"));
        assertEquals(false, settings.flag("veltrix.other"));
    }

    @Test
    void homeFromPropertyThenEnvThenProjectRoot() throws IOException {
        Path project = dir.resolve("project");
        Path module = project.resolve("deploy/stack");
        Files.createDirectories(project.resolve(".mvn"));
        Files.createDirectories(module);
        assertEquals(Path.of("/x/home"), VeltrixHome.resolve(new Settings(Map.of("veltrix.home", "/x/home"),
                Map.of("VELTRIX_HOME", "/y")), module));
        assertEquals(Path.of("/y"), VeltrixHome.resolve(new Settings(Map.of(), Map.of("VELTRIX_HOME", "/y")), module));
        assertEquals(project.resolve(".veltrix"), VeltrixHome.resolve(new Settings(Map.of(), Map.of()), module));
        assertEquals(Optional.of(project), VeltrixHome.projectRoot(module));
    }

    @Test
    void noProjectRootIsAClearError() {
        StackException e = assertThrows(StackException.class,
                () -> VeltrixHome.resolve(new Settings(Map.of(), Map.of()), dir));
        assertTrue(e.getMessage().contains("VELTRIX_HOME"), e.getMessage());
    }

    @Test
    void layoutOfAnInstance() {
        Layout layout = Layout.of(Path.of("/h"), Instance.TEST);
        assertEquals(Path.of("/h/test/data/postgres"), layout.postgresData());
        assertEquals(Path.of("/h/test/logs/stack.log"), layout.stackLog());
        assertEquals("/h/test/", layout.processMarker());
    }
}
