package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdkLocatorTest {
    @TempDir
    Path jvms;

    private Path jdk(String name, String version) throws IOException {
        Path home = jvms.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/java"), "#!/bin/sh\n");
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\nOS_NAME=\"Linux\"\n");
        return home;
    }

    private JdkLocator locator(Map<String, String> env, Path running, int runningFeature) {
        return new JdkLocator(new Settings(Map.of(), env), running, runningFeature, List.of(jvms));
    }

    @Test
    void parsesReleaseVersions() {
        assertEquals(Optional.of(21), JdkLocator.parseFeature("\"21.0.2\""));
        assertEquals(Optional.of(25), JdkLocator.parseFeature("25"));
        assertEquals(Optional.of(17), JdkLocator.parseFeature("17-internal"));
        assertEquals(Optional.of(8), JdkLocator.parseFeature("1.8.0_392"));
        assertEquals(Optional.empty(), JdkLocator.parseFeature("unknown"));
        assertEquals(Optional.empty(), JdkLocator.parseFeature(null));
    }

    @Test
    void explicitOverrideWins() throws IOException {
        Path j25 = jdk("jdk-25", "25.0.3");
        Path j21 = jdk("jdk-21", "21.0.2");
        Path j17 = jdk("jdk-17", "17.0.15");
        JdkLocator locator = locator(Map.of("APICURIO_JAVA_HOME", j21.toString(), "JAVA_HOME", j25.toString()), j17, 17);
        assertEquals(j21.resolve("bin/java"), locator.apicurioJava());
    }

    @Test
    void overrideThatIsTooOldIsRefused() throws IOException {
        Path j17 = jdk("jdk-17", "17.0.15");
        StackException e = assertThrows(StackException.class,
                () -> locator(Map.of("APICURIO_JAVA_HOME", j17.toString()), j17, 17).apicurioJava());
        assertTrue(e.getMessage().contains("APICURIO_JAVA_HOME"), e.getMessage());
        assertTrue(e.getMessage().contains("Java 17"), e.getMessage());
    }

    @Test
    void javaHomeWhenNewEnough() throws IOException {
        Path j21 = jdk("jdk-21", "21.0.2");
        Path j25 = jdk("jdk-25", "25.0.3");
        Path j17 = jdk("jdk-17", "17.0.15");
        assertEquals(j21.resolve("bin/java"), locator(Map.of("JAVA_HOME", j21.toString()), j17, 17).apicurioJava());
        // JAVA_HOME too old: falls through to the scan, which takes the newest
        assertEquals(j25.resolve("bin/java"), locator(Map.of("JAVA_HOME", j17.toString()), j17, 17).apicurioJava());
    }

    @Test
    void runningJvmWhenNewEnough() throws IOException {
        Path j21 = jdk("jdk-21", "21.0.2");
        jdk("jdk-25", "25.0.3");
        assertEquals(j21.resolve("bin/java"), locator(Map.of(), j21, 21).apicurioJava());
    }

    @Test
    void scanPicksNewestAndSkipsFoldersWithoutJava() throws IOException {
        Path j17 = jdk("java-17", "17.0.15");
        jdk("temurin-21", "21.0.5");
        Path j25 = jdk("temurin-25", "25.0.3");
        Files.createDirectories(jvms.resolve("openjdk-99"));
        Files.writeString(jvms.resolve("openjdk-99/release"), "JAVA_VERSION=\"99\"\n"); // no bin/java
        assertEquals(j25.resolve("bin/java"), locator(Map.of(), j17, 17).apicurioJava());
    }

    @Test
    void noJdkFoundSaysWhatToDo() throws IOException {
        Path j17 = jdk("java-17", "17.0.15");
        StackException e = assertThrows(StackException.class, () -> locator(Map.of(), j17, 17).apicurioJava());
        assertTrue(e.getMessage().startsWith("no JDK 21+ found for Apicurio Registry: set APICURIO_JAVA_HOME"), e.getMessage());
    }
}
