package io.testbed.experiments.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.bundle.ResultBundle;
import io.testbed.experiments.client.TestbedClient;
import io.testbed.experiments.spec.SpecJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code results RUN}: reprints a run's result table, from its local run folder ({@code --dir/RUN/summary.json}) when
 * present, else over REST. Exit codes as {@link RunCommand}: 0 VALID, 1 INVALID, 2 failed/cancelled/unknown run.
 */
@Command(name = "results", mixinStandardHelpOptions = true,
    description = "Reprint the result table of a run (local bundle folder first, else over REST).")
public final class ResultsCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
  String runId;

  @Option(names = "--url", defaultValue = "${env:TESTBED_URL:-http://127.0.0.1:8080}",
      description = "orchestrator base URL (default: ${DEFAULT-VALUE}; env TESTBED_URL)")
  String url;

  @Option(names = "--token", defaultValue = "${env:TESTBED_API_TOKEN}", description = "bearer token (env TESTBED_API_TOKEN)")
  String token;

  @Option(names = "--dir", defaultValue = "runs/experiments",
      description = "local run folders (the orchestrator's <data-dir>/experiments; default: ${DEFAULT-VALUE})")
  Path dir;

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    if (!runId.matches("[A-Za-z0-9._-]+")) {
      err.println("not a run id: '" + runId + "'");
      return RunCommand.FAILED;
    }
    Path local = dir.resolve(runId);
    if (Files.isRegularFile(local.resolve(ResultBundle.SUMMARY))) {
      JsonNode summary = SpecJson.mapper().readTree(local.resolve(ResultBundle.SUMMARY).toFile());
      out.print(ResultTable.render(summary));
      out.println("Bundle: " + local.toAbsolutePath());
      out.flush();
      return "VALID".equals(ResultTable.verdict(summary)) ? RunCommand.VALID : RunCommand.INVALID;
    }
    TestbedClient client = new TestbedClient(url, token);
    JsonNode view;
    try {
      view = client.status(runId);
    } catch (TestbedClient.ApiException e) {
      err.println("run " + runId + ": " + e.getMessage() + " (HTTP " + e.status() + "; no local folder " + local + ")");
      return RunCommand.FAILED;
    } catch (IOException e) {
      err.println("no local folder " + local + " and cannot reach the orchestrator at " + url + ": " + e.getMessage());
      return RunCommand.FAILED;
    }
    if (!RunCommand.finished(view)) {
      out.println("Run " + runId + " is " + view.path("status").asText() + " (" + view.path("phase").asText() + ", "
          + view.path("queriesDone").asLong() + " queries done)");
      out.flush();
      return RunCommand.FAILED;
    }
    return RunCommand.report(client, runId, view, out, err);
  }
}
