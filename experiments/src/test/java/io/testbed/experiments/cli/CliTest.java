package io.testbed.experiments.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.testbed.experiments.analysis.SummaryOptions;
import io.testbed.experiments.bundle.BundleContents;
import io.testbed.experiments.bundle.ResultBundle;
import io.testbed.experiments.engine.ExperimentRunner;
import io.testbed.experiments.loadgen.LoadGenListener;
import io.testbed.experiments.loadgen.QueryOutcome;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.loadgen.VirtualTicker;
import io.testbed.experiments.spec.DeviceSelector;
import io.testbed.experiments.spec.ExperimentPlan;
import io.testbed.experiments.spec.ExperimentSpec;
import io.testbed.experiments.spec.PolicySpec;
import io.testbed.experiments.spec.RepetitionSpec;
import io.testbed.experiments.spec.ScenarioSpec;
import io.testbed.protocol.PowerSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code run} and {@code results} commands against a stand-in orchestrator on a real HTTP server (JDK
 * HttpServer) speaking the documented API, with a summary produced by the real engine; the orchestrator module tests
 * the same commands against the real orchestrator.
 */
class CliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final long MS = 1_000_000L;
  @TempDir Path tmp;
  HttpServer server;
  String url;
  JsonNode summary;
  String verdict = "VALID";
  final Map<String, String> seenAuth = new ConcurrentHashMap<>();

  /** A real 3-repetition SingleStream run (simulated device, virtual time), written as a bundle. */
  static Path bundle(Path root, String runId) throws Exception {
    ScenarioSpec sc = new ScenarioSpec(Scenario.SINGLE_STREAM, null, null, null, null, null, 1000L, 100L, null, null,
        null, null, null, null, null, null);
    ExperimentPlan plan = ExperimentPlan.of(new ExperimentSpec("cli", "inference", List.of(DeviceSelector.byId("phone-1")),
        List.of("mobilenet"), null, PolicySpec.fixed("cpu"), sc, new RepetitionSpec(3, null, 5L), null, null, null));
    VirtualTicker ticker = new VirtualTicker();
    BundleContents c = new ExperimentRunner(ticker, LoadGenListener.NONE).run(runId, plan, List.of(),
        SummaryOptions.named("sim"), rep -> (q, done) -> ticker.scheduleAfter((rep.index() + 1) * MS,
            () -> done.complete(QueryOutcome.ok("phone-1", "cpu").withEnergy(0.25, PowerSource.MODELLED))), (r, e) -> { });
    return ResultBundle.write(root, c);
  }

  @BeforeEach
  void start() throws Exception {
    summary = JSON.readTree(bundle(tmp.resolve("server"), "cli-run-1").resolve(ResultBundle.SUMMARY).toFile());
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/experiments", this::handle);
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    String auth = x.getRequestHeaders().getFirst("Authorization");
    if (auth != null) seenAuth.put(x.getRequestMethod() + " " + path, auth);
    if (x.getRequestMethod().equals("POST")) {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (body.contains("\"bad\"")) {
        send(x, 400, "{\"error\":\"invalid spec\",\"problems\":[{\"path\":\"name\",\"message\":\"must not be blank\"},"
            + "{\"path\":\"scenario.targetQps\",\"message\":\"required for Server\"}]}");
      } else if (body.contains("phone-9")) {
        send(x, 422, "{\"error\":\"the spec names devices, models or targets the fleet does not have: phone-9\","
            + "\"unknown\":{\"devices\":[\"phone-9\"],\"models\":[],\"targets\":[]},"
            + "\"problems\":[{\"path\":\"devices[0].id\",\"message\":\"unknown device 'phone-9'\"}]}");
      } else {
        send(x, 202, "{\"runId\":\"cli-run-1\",\"status\":\"queued\"}");
      }
    } else if (path.equals("/api/v1/experiments/cli-run-1/events")) {
      x.getResponseHeaders().add("Content-Type", "text/event-stream");
      x.sendResponseHeaders(200, 0);
      try (var out = x.getResponseBody()) {
        for (int i = 1; i <= 3; i++) {
          out.write(("event:progress\ndata:{\"status\":\"running\",\"phase\":\"running\",\"repetition\":" + i
              + ",\"repetitions\":3,\"queriesDone\":50,\"queriesTotal\":100,\"etaSeconds\":3.0}\n\n").getBytes(StandardCharsets.UTF_8));
        }
        out.write("event:completed\ndata:{\"status\":\"completed\",\"phase\":\"done\",\"repetition\":3,\"repetitions\":3}\n\n"
            .getBytes(StandardCharsets.UTF_8));
      }
    } else if (path.equals("/api/v1/experiments/cli-run-1")) {
      ObjectNode v = JSON.createObjectNode().put("runId", "cli-run-1").put("status", "completed").put("phase", "done")
          .put("verdict", verdict).put("bundle", "/srv/runs/experiments/cli-run-1");
      v.set("summary", summary);
      send(x, 200, v.toString());
    } else {
      send(x, 404, "{\"error\":\"unknown experiment run\"}");
    }
  }

  private static void send(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    try (var out = x.getResponseBody()) {
      out.write(b);
    }
  }

  record Result(int code, String out, String err) {}

  static Result exec(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  Path specFile(String content) throws IOException {
    Path f = tmp.resolve("spec-" + content.hashCode() + ".json");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void runFollowsTheRunPrintsTheTableAndExitsZeroWhenValid() throws Exception {
    Result r = exec(new RunCommand(), specFile("{\"name\":\"ok\"}").toString(), "--url", url, "--token", "T", "--no-progress");
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    assertThat(r.out()).contains("Submitted", "cli-run-1", "rep 1/3 running", "rep 3/3 running", "ETA 3 s");
    assertThat(r.out()).contains("scenario", "SingleStream", "p50 ms", "p99 ms", "0.2500 (modelled)");
    assertThat(r.out()).containsPattern("Aggregate over 3 repetition\\(s\\) .*CV [0-9.]+ -> VALID");
    assertThat(r.out()).contains("Bundle: /srv/runs/experiments/cli-run-1");
    assertThat(seenAuth).containsEntry("POST /api/v1/experiments", "Bearer T");
  }

  @Test
  void withoutATerminalRunPrintsPlainProgressLinesNotABar() throws Exception {
    RunCommand cmd = new RunCommand();
    cmd.interactive = false; // a script or a log file
    Result r = exec(cmd, specFile("{\"name\":\"ok\"}").toString(), "--url", url);
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    assertThat(r.out()).contains("rep 1/3 running, 50 queries, ETA 3 s", "rep 3/3 running").doesNotContain("\r");
    assertThat(r.err()).doesNotContain("\r");
  }

  @Test
  void runExitsOneWhenInvalid() throws Exception {
    verdict = "INVALID";
    assertThat(exec(new RunCommand(), specFile("{\"name\":\"x\"}").toString(), "--url", url, "--no-progress").code())
        .isEqualTo(1);
  }

  @Test
  void runWithTheProgressBarAlsoEnds() throws Exception {
    Result r = exec(new RunCommand(), specFile("{\"name\":\"bar\"}").toString(), "--url", url);
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    assertThat(r.out()).contains("VALID");
  }

  @Test
  void refusedSpecsPrintEveryProblemAndExitTwo() throws Exception {
    Result bad = exec(new RunCommand(), specFile("{\"name\":\"bad\"}").toString(), "--url", url);
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("HTTP 400", "name: must not be blank", "scenario.targetQps: required for Server");
    Result unknown = exec(new RunCommand(), specFile("{\"devices\":[{\"id\":\"phone-9\"}]}").toString(), "--url", url);
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("HTTP 422", "unknown devices: [\"phone-9\"]", "devices[0].id: unknown device 'phone-9'");
    assertThat(exec(new RunCommand(), tmp.resolve("missing.json").toString(), "--url", url).code()).isEqualTo(2);
    assertThat(exec(new RunCommand(), specFile("{}").toString(), "--url", "http://127.0.0.1:1").code()).isEqualTo(2);
  }

  @Test
  void resultsReadsTheLocalFolderFirstThenRest() throws Exception {
    Path local = tmp.resolve("local");
    bundle(local, "cli-local-1");
    Result fromDisk = exec(new ResultsCommand(), "cli-local-1", "--dir", local.toString(), "--url", "http://127.0.0.1:1");
    assertThat(fromDisk.code()).as(fromDisk.err()).isEqualTo(0);
    assertThat(fromDisk.out()).contains("Run cli-local-1", "VALID", "Bundle: " + local.resolve("cli-local-1").toAbsolutePath());

    Result overRest = exec(new ResultsCommand(), "cli-run-1", "--dir", local.toString(), "--url", url);
    assertThat(overRest.code()).isEqualTo(0);
    assertThat(overRest.out()).contains("Run cli-run-1", "SingleStream");

    Result unknown = exec(new ResultsCommand(), "nope", "--dir", local.toString(), "--url", url);
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("HTTP 404");
    assertThat(exec(new ResultsCommand(), "../etc", "--dir", local.toString(), "--url", url).code()).isEqualTo(2);
  }

  @Test
  void tableShowsEveryRepetitionAndTheAggregate() {
    String t = ResultTable.render(summary);
    assertThat(t.lines().filter(l -> l.matches("^[123]  .*"))).hasSize(3);
    assertThat(t).contains("90th percentile latency");
    assertThat(ResultTable.verdict(summary)).isEqualTo("VALID");
    // rep 1 answers in 2 ms: its p50 is 2.000 ms
    assertThat(t.lines().filter(l -> l.startsWith("1 ")).findFirst().orElseThrow()).contains("2.000");
  }
}
