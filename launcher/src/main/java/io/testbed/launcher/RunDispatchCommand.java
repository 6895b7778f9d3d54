package io.testbed.launcher;

import io.testbed.experiments.cli.RunCommand;
import io.testbed.experiments.thermal.ThermalSpec;
import io.testbed.orchestrator.app.ThermalRunCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ./testbed run SPEC.json [options]}: one command for every experiment type. Thermal specs run with the thermal
 * runner over MQTT against the fleet's broker ({@code --broker}, default the all-in-one's); every other type is
 * submitted over REST ({@code --url}, default the all-in-one's), followed with a progress bar, and printed.
 */
@Command(name = "run", description = "Run an experiment spec (inference, autoscale, recsched over REST; thermal over MQTT) and print its results. "
    + "Options are those of the experiments' run command (--url, --token, --no-progress) or, for thermal specs, of thermal-run "
    + "(--broker, --influx, --out, --far-url).")
final class RunDispatchCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "SPEC.json [OPTIONS]", description = "the spec file, then the options of its runner")
  List<String> args;

  @Override
  public Integer call() throws Exception {
    Path spec = Path.of(args.get(0));
    String[] argv = args.toArray(String[]::new);
    if (Files.isRegularFile(spec) && ThermalSpec.isThermal(Files.readString(spec))) {
      return new CommandLine(new ThermalRunCommand()).execute(argv);
    }
    return new CommandLine(new RunCommand()).execute(argv);
  }
}
