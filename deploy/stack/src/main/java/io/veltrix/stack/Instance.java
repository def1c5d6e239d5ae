package io.veltrix.stack;

import java.util.Locale;

/**
 * The independent stacks: {@code run} (the platform, `./veltrix up`), {@code test} (the test suite)
 * and {@code bench} (the benchmark, `./veltrix bench`), so neither tests nor benchmarks disturb a
 * running platform. Each has its own ports and folder {@code ${veltrix.home}/<id>/}.
 */
public enum Instance {
    RUN("run", 6650, 8090, 3181, 8085, 9085, false),
    TEST("test", 6660, 8100, 3191, 8095, 9095, true),
    /** Durable like run (fsync on); the benchmark wipes its data itself before each start. */
    BENCH("bench", 6670, 8110, 3201, 8105, 9105, false);

    private final String id;
    private final int pulsarPort;
    private final int pulsarWebPort;
    private final int bookiePort;
    private final int registryPort;
    private final int registryManagementPort;
    private final boolean freshDataOnStart;

    Instance(String id, int pulsarPort, int pulsarWebPort, int bookiePort, int registryPort,
             int registryManagementPort, boolean freshDataOnStart) {
        this.id = id;
        this.pulsarPort = pulsarPort;
        this.pulsarWebPort = pulsarWebPort;
        this.bookiePort = bookiePort;
        this.registryPort = registryPort;
        this.registryManagementPort = registryManagementPort;
        this.freshDataOnStart = freshDataOnStart;
    }

    public String id() {
        return id;
    }

    int defaultPulsarPort() {
        return pulsarPort;
    }

    int defaultPulsarWebPort() {
        return pulsarWebPort;
    }

    int defaultBookiePort() {
        return bookiePort;
    }

    int defaultRegistryPort() {
        return registryPort;
    }

    int defaultRegistryManagementPort() {
        return registryManagementPort;
    }

    /** The test instance starts from empty data every time a fresh supervisor starts it. */
    public boolean freshDataOnStart() {
        return freshDataOnStart;
    }

    /** Prefix of this instance's settings, e.g. {@code veltrix.run.}. */
    String settingsPrefix() {
        return "veltrix." + id + ".";
    }

    public static Instance parse(String value) {
        for (Instance instance : values()) {
            if (instance.id.equals(value.toLowerCase(Locale.ROOT))) {
                return instance;
            }
        }
        throw new StackException("unknown instance '" + value + "': use run, test or bench");
    }

    @Override
    public String toString() {
        return id;
    }
}
