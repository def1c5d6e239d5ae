package io.veltrix.systemtests.ingest;

import io.veltrix.stack.Ports;
import io.veltrix.stack.ServiceProcess;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.TestServices;
import java.time.Duration;

/**
 * Extra ingest-service processes for the ingest system tests, configured as each test needs (its own write keys,
 * admin token, Pulsar), started from the built jar against the test stack.
 */
final class IngestProcesses {

    static final String ADMIN_TOKEN = "st-admin-token";
    static final String WRITE_KEY = "st-write-key";
    static final String SOURCE = "treasure-hunt";

    private IngestProcesses() {
    }

    /** An ingest process builder: the stack's servers, a write key, the admin token, a free port. */
    static ServiceProcess.Builder builder(StackInfo stack, String name) {
        return ServiceProcess.builder("st-" + name, ServiceProcess.runnerJar(TestServices.projectRoot(), TestServices.INGEST))
                .httpPort(Ports.freePort())
                .env(stack.serviceEnvironment(TestServices.INGEST))
                .env("VELTRIX_INGEST_ADMIN_TOKEN", ADMIN_TOKEN)
                .systemProperty("veltrix.ingest.write-keys.st.key", WRITE_KEY)
                .systemProperty("veltrix.ingest.write-keys.st.source", SOURCE)
                .jvmOption("-Xmx384m")
                .logsDir(stack.logsDir())
                .marker("veltrix-e2e")
                .readyTimeout(Duration.ofSeconds(120));
    }
}
