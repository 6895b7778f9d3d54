package io.testbed.experiments.thermal;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.cli.RunCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./testbed run} on a thermal spec names the thermal runner instead of submitting it over REST. */
class ThermalRunCliTest {
  @Test
  void runPointsThermalSpecsToTheThermalRunner() {
    StringWriter out = new StringWriter(), err = new StringWriter();
    // an unreachable URL: the command must not even try to submit
    int code = new CommandLine(new RunCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(Path.of("examples/thermal-sensor.json").toString(), "--url", "http://127.0.0.1:1", "--no-progress");
    assertThat(code).isEqualTo(RunCommand.FAILED);
    assertThat(err.toString()).contains("ThermalRunCommand").contains("thermal-sensor.json").doesNotContain("cannot reach");
  }
}
