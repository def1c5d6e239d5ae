package io.veltrix.simulator.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** {@code simulator run | demo | bench}. */
@TopCommand
@Command(name = "simulator", mixinStandardHelpOptions = true, version = "Veltrix simulator 0.1.0",
        description = "Treasure Hunt traffic simulator, demo and benchmark suite for Veltrix.",
        subcommands = {RunCommand.class, DemoCommand.class, BenchCommand.class})
public class SimulatorCommand {
}
