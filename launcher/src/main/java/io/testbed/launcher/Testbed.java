package io.testbed.launcher;

import io.testbed.agent.app.DeviceAgentCommand;
import io.testbed.cloud.app.CloudAgentCommand;
import io.testbed.experiments.cli.ResultsCommand;
import io.testbed.orchestrator.app.OrchestratorCommand;
import io.testbed.power.app.PowerBridgeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./testbed} entry point: one launcher, every part of the testbed as a subcommand. */
@Command(
    name = "testbed",
    mixinStandardHelpOptions = true,
    version = "testbed 0.1.0",
    description = "Edge-cloud ML testbed: orchestrator, device and cloud agents, experiments.",
    subcommands = {
      UpCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      RunDispatchCommand.class,
      io.testbed.orchestrator.app.ThermalRunCommand.class,
      ResultsCommand.class,
      OrchestratorCommand.class,
      DeviceAgentCommand.class,
      CloudAgentCommand.class,
      PowerBridgeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Testbed implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    CommandLine cli = new CommandLine(new Testbed());
    // `run` hands its options to the runner of the spec's type.
    cli.getSubcommands().get("run").setUnmatchedOptionsArePositionalParams(true);
    int code = cli.execute(args);
    // Long-running subcommands (up, orchestrator, agents) block inside call(); everything else ends here.
    System.exit(code);
  }
}
