package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClasspathTest {
    @Test
    void containsThisModuleAndItsRuntimeDependenciesOnly() {
        List<Path> entries = Classpath.forSupervisor();
        assertEquals(Classpath.codeSource(Stack.class).orElseThrow(), entries.get(0));
        assertTrue(entries.stream().allMatch(Files::exists), entries.toString());
        assertTrue(entries.stream().anyMatch(p -> p.getFileName().toString().startsWith("commons-compress")), entries.toString());
        assertTrue(entries.stream().anyMatch(p -> p.getFileName().toString().startsWith("xz-")), entries.toString());
        assertTrue(entries.stream().anyMatch(p -> p.getFileName().toString().startsWith("postgresql-")), entries.toString());
        assertFalse(entries.stream().anyMatch(p -> p.toString().contains("surefire")), entries.toString());
        assertFalse(entries.stream().anyMatch(p -> p.toString().contains("junit")), entries.toString());
        assertFalse(entries.stream().anyMatch(p -> p.toString().contains("test-classes")), entries.toString());
        assertEquals(entries.size(), entries.stream().distinct().count());
    }

    @Test
    void mavenRecordedTheRuntimeClasspath() {
        List<Path> recorded = Classpath.recordedRuntimeClasspath();
        assertFalse(recorded.isEmpty(), "runtime-classpath.txt is missing: dependency:build-classpath did not run");
        assertTrue(recorded.stream().anyMatch(p -> p.toString().contains("commons-compress")), recorded.toString());
    }

    @Test
    void classpathStringUsesThePathSeparator() {
        assertEquals("/a" + java.io.File.pathSeparator + "/b", Classpath.asString(List.of(Path.of("/a"), Path.of("/b"))));
    }
}
