package io.veltrix.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spawns {@code Main supervise} as a separate JVM for the tests, owned by the Maven process (so one
 * stack serves all test JVMs of one {@code mvn} run and stops when Maven exits, even if killed).
 */
final class SupervisorLauncher {
    private SupervisorLauncher() {
    }

    static Process spawn(Instance instance, Layout layout, Settings settings, String launchId, long ownerPid) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(Classpath.asString(Classpath.forSupervisor()));
        command.add("-Dveltrix.home=" + layout.home());
        for (Map.Entry<String, String> property : settings.systemPropertiesStartingWith("veltrix.").entrySet()) {
            if (!property.getKey().equals("veltrix.home")) {
                command.add("-D" + property.getKey() + "=" + property.getValue());
            }
        }
        command.add(Main.class.getName());
        command.add("supervise");
        command.add("--instance");
        command.add(instance.id());
        command.add("--launch-id");
        command.add(launchId);
        if (ownerPid > 0) {
            command.add("--owner");
            command.add(Long.toString(ownerPid));
        }
        try {
            Files.createDirectories(layout.logsDir());
            return Processes.start(command, layout.home(), Map.of(), layout.stackLog(), true);
        } catch (IOException e) {
            throw new StackException("cannot start the supervisor JVM: " + e.getMessage(), e);
        }
    }

    /**
     * The Maven JVM running us: the first ancestor whose command line mentions plexus-classworlds
     * (Maven's launcher); else our parent process.
     */
    static Optional<ProcessHandle> mavenProcess() {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        for (Optional<ProcessHandle> p = parent; p.isPresent(); p = p.get().parent()) {
            String commandLine = Processes.commandLine(p.get());
            if (commandLine.contains("plexus-classworlds") || commandLine.contains("org.codehaus.plexus.classworlds")) {
                return p;
            }
        }
        return parent;
    }
}
