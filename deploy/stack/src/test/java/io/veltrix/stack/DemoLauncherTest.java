package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoLauncherTest {

    @Test
    void upTakesTheDemoFlag() {
        assertTrue(Main.Options.parse(new String[] {"up", "--demo"}).demo);
        assertFalse(Main.Options.parse(new String[] {"up"}).demo);
    }

    @Test
    void runsTheSimulatorsDemoCommandWithTheCredentialsInTheEnvironment(@TempDir Path home) {
        Layout layout = Layout.of(home, Instance.RUN);
        DemoLauncher demo = new DemoLauncher(home, layout, Log.console());
        List<String> command = demo.command(Path.of("simulator/target/quarkus-app/quarkus-run.jar"),
                Map.of("ingest-service", "http://127.0.0.1:8081", "experiments-service", "http://127.0.0.1:8083"));
        assertEquals(List.of("-jar", "simulator/target/quarkus-app/quarkus-run.jar", "demo", "--ingest-url",
                "http://127.0.0.1:8081", "--experiments-url", "http://127.0.0.1:8083"), command.subList(3, command.size()));
        assertTrue(command.contains("-Dveltrix.stack.marker=" + layout.processMarker()), "recognised as the instance's");
        LocalSecrets secrets = LocalSecrets.of(layout.instanceDir());
        Map<String, String> env = DemoLauncher.environment(secrets);
        assertEquals(secrets.writeKey(), env.get("VELTRIX_WRITE_KEY"));
        assertEquals(secrets.adminToken(), env.get("VELTRIX_EXPERIMENTS_ADMIN_TOKEN"));
        assertEquals(secrets.readToken(), env.get("VELTRIX_EXPERIMENTS_READ_TOKEN"));
        assertEquals(secrets.sdkKey(), env.get("VELTRIX_EXPERIMENTS_SDK_KEY"));
        assertTrue(command.stream().noneMatch(arg -> arg.contains(secrets.writeKey())), "no secret on the command line");
    }

    @Test
    void withoutTheSimulatorBuiltThereIsNoDemoButTheStackGoesOn(@TempDir Path root) {
        DemoLauncher demo = new DemoLauncher(root, Layout.of(root.resolve(".veltrix"), Instance.RUN), Log.console());
        assertFalse(demo.start(null, null, Map.of()));
    }
}
