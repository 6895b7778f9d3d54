package io.testbed.experiments.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.client.TestbedClient;
import io.testbed.experiments.spec.SpecProblem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code run SPEC.json}: submits an experiment to the orchestrator over REST, shows its progress (server-sent events;
 * polling if the stream breaks), prints the result table and where the bundle is. Exit code 0 when the run is VALID,
 * 1 when INVALID, 2 when it failed, was cancelled, or the spec was refused (every problem printed).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Submit an experiment spec, follow its progress, print the result table.")
public final class RunCommand implements Callable<Integer> {
  public static final int VALID = 0;
  public static final int INVALID = 1;
  public static final int FAILED = 2;

  @Parameters(index = "0", paramLabel = "SPEC.json", description = "the experiment spec (see experiments/README.md)")
  Path spec;

  @Option(names = "--url", defaultValue = "${env:TESTBED_URL:-http://127.0.0.1:8080}",
      description = "orchestrator base URL (default: ${DEFAULT-VALUE}; env TESTBED_URL)")
  String url;

  @Option(names = "--token", defaultValue = "${env:TESTBED_API_TOKEN}",
      description = "bearer token for the API (env TESTBED_API_TOKEN)")
  String token;

  @Option(names = "--no-progress", description = "no progress bar (one line per repetition or phase instead); the default "
      + "when the output is not a terminal (a script, a pipe, a log file)")
  boolean noProgress;

  /** Whether a person watches a terminal; otherwise a progress bar's redraws would only fill logs. */
  boolean interactive = System.console() != null;

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    if (!Files.isReadable(spec)) {
      err.println("cannot read spec file " + spec);
      return FAILED;
    }
    if (io.testbed.experiments.thermal.ThermalSpec.isThermal(Files.readString(spec))) {
      // The REST runner does not take thermal specs yet: they run over MQTT from the orchestrator's classes.
      err.println("thermal specs run with the thermal runner, not over REST: java -cp <orchestrator classes and deps> "
          + "io.testbed.orchestrator.app.ThermalRunCommand " + spec + " [--broker tcp://127.0.0.1:1883] (orchestrator/README.md)");
      return FAILED;
    }
    TestbedClient client = new TestbedClient(url, token);
    TestbedClient.Submission s;
    try {
      s = client.submit(Files.readString(spec));
    } catch (IOException e) {
      err.println("cannot reach the orchestrator at " + url + ": " + e.getMessage());
      return FAILED;
    }
    if (s instanceof TestbedClient.Refused r) {
      printRefusal(r, err);
      return FAILED;
    }
    String runId = ((TestbedClient.Submitted) s).runId();
    out.println("Submitted " + spec.getFileName() + " as run " + runId + " (" + ((TestbedClient.Submitted) s).view()
        .path("status").asText() + ")");
    out.flush();
    JsonNode end = follow(client, runId, out, err);
    return report(client, runId, end, out, err);
  }

  static void printRefusal(TestbedClient.Refused r, PrintWriter err) {
    err.println("Refused (HTTP " + r.status() + "): " + r.error());
    JsonNode u = r.unknown();
    if (u != null) {
      for (String k : new String[] {"devices", "models", "targets"}) {
        if (u.path(k).size() > 0) err.println("  unknown " + k + ": " + u.path(k));
      }
    }
    for (SpecProblem p : r.problems()) err.println("  " + p.path() + ": " + p.message());
    err.flush();
  }

  /** Follows the run to its end; returns its final view. */
  private JsonNode follow(TestbedClient client, String runId, PrintWriter out, PrintWriter err) throws Exception {
    Progress progress = new Progress(out);
    try {
      client.follow(runId, e -> progress.show(e.data()));
    } catch (IOException e) {
      err.println("progress stream broke (" + e.getMessage() + "); polling instead");
    } finally {
      progress.close();
    }
    JsonNode view = client.status(runId);
    while (!finished(view)) {
      Thread.sleep(1000);
      view = client.status(runId);
    }
    return view;
  }

  static boolean finished(JsonNode view) {
    return view.path("status").asText().matches("completed|failed|cancelled");
  }

  /** Prints the outcome of a finished run and returns the exit code. */
  static int report(TestbedClient client, String runId, JsonNode view, PrintWriter out, PrintWriter err) {
    String status = view.path("status").asText();
    JsonNode summary = view.path("summary");
    if (!summary.isMissingNode() && !summary.isNull()) out.print(ResultTable.render(summary));
    printAutoScaleReport(client, runId, view, out);
    if (view.hasNonNull("bundle")) {
      out.println("Bundle: " + view.path("bundle").asText() + " (over REST: " + client.baseUrl() + "/api/v1/experiments/"
          + runId + "/bundle)");
    }
    out.flush();
    if (!status.equals("completed")) {
      err.println("Run " + runId + " " + status + (view.hasNonNull("error") ? ": " + view.path("error").asText() : ""));
      err.flush();
      return FAILED;
    }
    return "VALID".equals(view.path("verdict").asText()) ? VALID : INVALID;
  }

  /**
   * AutoScale runs: prints the comparison table of {@code autoscale-report.txt} (from the local bundle folder when it
   * is there, else over REST); prints nothing for runs without one.
   */
  static void printAutoScaleReport(TestbedClient client, String runId, JsonNode view, PrintWriter out) {
    String text = null;
    if (view.hasNonNull("bundle")) {
      java.nio.file.Path local = java.nio.file.Path.of(view.path("bundle").asText(), "autoscale-report.txt");
      try {
        if (Files.isRegularFile(local)) text = Files.readString(local);
      } catch (IOException e) {
        text = null;
      }
    }
    if (text == null) {
      try {
        text = new String(client.file(runId, "autoscale-report.txt"), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    out.println();
    out.print(text);
  }

  /** A progress bar per repetition (or plain lines with --no-progress or without a terminal). */
  private final class Progress {
    private final PrintWriter out;
    private ProgressBar bar;
    private int repetition;
    private String lastPhase = "";

    Progress(PrintWriter out) {
      this.out = out;
    }

    void show(JsonNode v) {
      int rep = v.path("repetition").asInt();
      String phase = v.path("phase").asText();
      String eta = v.path("etaSeconds").isNumber()
          ? String.format(Locale.ROOT, "ETA %.0f s", v.path("etaSeconds").asDouble()) : "ETA ?";
      String label = "rep " + rep + "/" + v.path("repetitions").asInt() + " " + phase;
      if (noProgress || !interactive) {
        if (rep != repetition || !phase.equals(lastPhase)) {
          out.println(label + ", " + v.path("queriesDone").asLong() + " queries, " + eta
              + (v.path("waitingFor").size() > 0 ? ", waiting for " + v.path("waitingFor") : ""));
          out.flush();
        }
      } else {
        if (rep != repetition && bar != null) {
          bar.close();
          bar = null;
        }
        if (bar == null && rep > 0) {
          bar = new ProgressBarBuilder().setTaskName("rep " + rep).setStyle(ProgressBarStyle.ASCII)
              .setInitialMax(-1).setUpdateIntervalMillis(250).continuousUpdate().build();
        }
        if (bar != null) {
          if (v.path("queriesTotal").isNumber()) bar.maxHint(v.path("queriesTotal").asLong());
          if (v.path("queriesDone").isNumber()) bar.stepTo(v.path("queriesDone").asLong());
          bar.setExtraMessage(phase + " " + eta + (v.path("queriesFailed").asLong() > 0
              ? " failed " + v.path("queriesFailed").asLong() : ""));
        } else if (!phase.equals(lastPhase)) {
          out.println(phase + (v.path("waitingFor").size() > 0 ? ": waiting for " + v.path("waitingFor") : ""));
          out.flush();
        }
      }
      repetition = rep;
      lastPhase = phase;
    }

    void close() {
      if (bar != null) bar.close();
      bar = null;
    }
  }
}
