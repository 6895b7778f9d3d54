package io.testbed.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testbed.orchestrator.FakeDevice;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.RestClient;
import io.testbed.orchestrator.TestOrchestrators;
import io.testbed.orchestrator.RestClient.Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiment routes through the real bound server, the embedded broker and test-side devices speaking real MQTT:
 * 400 with every problem, 422 naming unknowns, 404 for unknown runs, a run to completion followed over server-sent
 * events, its bundle files with their content types, path traversal refused, the lease refusing jobs (409), cancel.
 */
class ExperimentApiTest {
  static final String TOKEN = "s3cret";
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dataDir;
  static RunningOrchestrator orchestrator;
  static RestClient rest;
  static FakeDevice phone;
  static FakeDevice phone2;
  static FakeDevice cloud;

  @BeforeAll
  static void start() throws Exception {
    orchestrator = TestOrchestrators.embedded(dataDir, Map.of(
        "testbed.orchestrator.api-token", TOKEN,
        "testbed.orchestrator.experiments.progress-interval", "100ms",
        "testbed.orchestrator.line-protocol.flush-interval", "200ms"));
    rest = new RestClient(orchestrator.restUrl());
    phone = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.phoneHello("phone-1"));
    phone2 = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.phoneHello("phone-2"));
    cloud = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.cloudHello("cloud-1", "http://127.0.0.1:9999/infer"));
    TestOrchestrators.awaitOnline(rest, 3);
  }

  @AfterAll
  static void stop() throws Exception {
    for (FakeDevice d : new FakeDevice[] {phone, phone2, cloud}) if (d != null) d.close();
    if (orchestrator != null) orchestrator.stop().toCompletableFuture().get();
  }

  static String spec(String name, String device, String target, long minDurationMs, long minQueries) {
    return """
        {"name":"%s","type":"inference","devices":[{"id":"%s"}],"models":["mobilenet"],
         "policy":{"kind":"fixed","target":"%s"},
         "scenario":{"kind":"SingleStream","minDurationMs":%d,"minQueryCount":%d,"queryTimeoutMs":5000},
         "onDeviceLoss":"abort"}""".formatted(name, device, target, minDurationMs, minQueries);
  }

  static JsonNode awaitEnd(String runId) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      String s = rest.get("/api/v1/experiments/" + runId).json().path("status").asText();
      return s.equals("completed") || s.equals("failed") || s.equals("cancelled");
    });
    try {
      return rest.get("/api/v1/experiments/" + runId).json();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void invalidSpecIs400WithEveryProblem() throws Exception {
    String bad = """
        {"name":"","type":"training","devices":[],"models":["mobilenet"],"policy":{"kind":"fixed","target":"cpu"},
         "scenario":{"kind":"Server","minDurationMs":-1},"colour":"red"}""";
    Answer a = rest.post("/api/v1/experiments", bad, TOKEN);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error()).isEqualTo("invalid spec");
    List<String> paths = a.json().path("problems").findValuesAsText("path");
    assertThat(paths).contains("name", "type", "devices", "scenario.targetQps", "scenario.minDurationMs", "colour");
    assertThat(a.json().path("problems").findValuesAsText("message")).allMatch(m -> !m.isBlank());
    assertThat(rest.post("/api/v1/experiments", "not json", TOKEN).status()).isEqualTo(400);
  }

  @Test
  void unknownDevicesModelsAndTargetsAre422NamingThem() throws Exception {
    String spec = """
        {"name":"x","type":"inference","devices":[{"id":"phone-9"},{"id":"phone-1"}],"models":["mobilenet","gpt-7"],
         "policy":{"kind":"fixed","target":"npu"},"scenario":{"kind":"SingleStream"}}""";
    Answer a = rest.post("/api/v1/experiments", spec, TOKEN);
    assertThat(a.status()).isEqualTo(422);
    assertThat(a.json().path("unknown").path("devices").findValuesAsText("")).isEmpty();
    assertThat(a.json().path("unknown").path("devices").get(0).asText()).isEqualTo("phone-9");
    assertThat(a.json().path("unknown").path("models").get(0).asText()).isEqualTo("gpt-7");
    assertThat(a.json().path("unknown").path("targets").get(0).asText()).isEqualTo("phone-1:npu");
    assertThat(a.error()).contains("phone-9", "gpt-7", "phone-1:npu");
  }

  @Test
  void unknownRunsAre404() throws Exception {
    for (String p : List.of("", "/events", "/bundle", "/files/summary.json")) {
      Answer a = rest.get("/api/v1/experiments/nope-1" + p);
      assertThat(a.status()).as(p).isEqualTo(404);
      assertThat(a.error()).contains("nope-1");
    }
    assertThat(rest.delete("/api/v1/experiments/nope-1", TOKEN).status()).isEqualTo(404);
  }

  @Test
  void mutatingRoutesNeedTheToken() throws Exception {
    assertThat(rest.post("/api/v1/experiments", spec("t", "phone-1", "cpu", 100, 10), null).status()).isEqualTo(401);
    assertThat(rest.delete("/api/v1/experiments/any", null).status()).isEqualTo(401);
    assertThat(rest.post("/api/v1/experiments/any/cancel", "", "wrong").status()).isEqualTo(401);
  }

  @Test
  void runsToCompletionStreamsProgressAndServesItsBundle() throws Exception {
    Answer accepted = rest.post("/api/v1/experiments", spec("api-single", "phone-1", "cpu", 1500, 100), TOKEN);
    assertThat(accepted.status()).isEqualTo(202);
    String runId = accepted.json().path("runId").asText();
    assertThat(runId).startsWith("api-single-");
    assertThat(accepted.location()).contains("/api/v1/experiments/" + runId);
    assertThat(accepted.json().path("status").asText()).isIn("queued", "running");

    List<String> lines = rest.sse("/api/v1/experiments/" + runId + "/events", Duration.ofSeconds(60));
    List<String> events = lines.stream().filter(l -> l.startsWith("event:")).map(l -> l.substring(6).trim()).toList();
    assertThat(events).contains("progress");
    assertThat(events.get(events.size() - 1)).isEqualTo("completed");
    List<JsonNode> data = lines.stream().filter(l -> l.startsWith("data:")).map(l -> read(l.substring(5))).toList();
    assertThat(data).anyMatch(d -> d.path("phase").asText().equals("running") && d.path("queriesDone").asLong() > 0
        && d.path("queriesTotal").asLong() > 0 && d.has("etaSeconds"));
    assertThat(data.get(data.size() - 1).path("status").asText()).isEqualTo("completed");

    JsonNode done = rest.get("/api/v1/experiments/" + runId).json();
    assertThat(done.path("status").asText()).isEqualTo("completed");
    assertThat(done.path("verdict").asText()).isEqualTo("VALID");
    assertThat(done.path("summary").path("aggregate").path("result").asText()).isEqualTo("VALID");
    assertThat(done.path("summary").path("repetitions").get(0).path("summary").path("scenario").asText())
        .isEqualTo("SingleStream");
    assertThat(Path.of(done.path("bundle").asText())).isEqualTo(dataDir.resolve("experiments").resolve(runId).toAbsolutePath());
    assertThat(rest.get("/api/v1/experiments").json().findValuesAsText("runId")).contains(runId);
    // the device is free again
    assertThat(rest.get("/api/v1/devices/phone-1").json().path("leasedBy").isMissingNode()
        || rest.get("/api/v1/devices/phone-1").json().path("leasedBy").isNull()).isTrue();

    JsonNode bundle = rest.get("/api/v1/experiments/" + runId + "/bundle").json();
    assertThat(bundle.path("files").findValuesAsText("name")).contains("spec.json", "devices.json", "seeds.json",
        "queries.csv", "mlperf_log_summary.txt", "summary.json", "events.json", "plots/latency-cdf.png",
        "plots/latency-over-time.png", "plots/energy-per-query.png");

    String base = "/api/v1/experiments/" + runId + "/files/";
    RestClient.Raw txt = rest.raw(base + "mlperf_log_summary.txt");
    assertThat(txt.status()).isEqualTo(200);
    assertThat(txt.contentType()).startsWith("text/plain");
    assertThat(new String(txt.body(), StandardCharsets.UTF_8)).contains("Result is : VALID", "SingleStream");
    RestClient.Raw csv = rest.raw(base + "queries.csv");
    assertThat(csv.contentType()).startsWith("text/csv");
    long rows = new String(csv.body(), StandardCharsets.UTF_8).lines().count() - 1;
    assertThat(rows).isEqualTo(done.path("summary").path("repetitions").get(0).path("summary").path("queryCount").asLong());
    RestClient.Raw png = rest.raw(base + "plots/latency-cdf.png");
    assertThat(png.status()).isEqualTo(200);
    assertThat(png.contentType()).isEqualTo("image/png");
    assertThat(png.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    assertThat(rest.raw(base + "summary.json").contentType()).startsWith("application/json");
    assertThat(rest.raw(base + "nothing.txt").status()).isEqualTo(404);
    // traversal: encoded and raw dot segments, absolute names
    for (String evil : List.of("..%2F..%2Ftimeseries.lp", "%2E%2E/%2E%2E/x", "plots/..%2F..%2Fspec.json", "%2Fetc%2Fpasswd")) {
      RestClient.Raw r = rest.raw(base + evil);
      assertThat(r.status()).as(evil).isIn(400, 404);
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(evil).contains("error");
    }
    // the line-protocol file holds the query points, tagged with the run
    await().atMost(Duration.ofSeconds(5)).until(() -> linesWith("query,", "run=" + runId) == rows);
    assertThat(linesWith("experiment_event,", "run=" + runId)).isGreaterThanOrEqualTo(3); // started, repetition, completed
    assertThat(linesWith("inference,", "run=" + runId)).isEqualTo(rows);
    assertThat(rest.delete("/api/v1/experiments/" + runId, TOKEN).status()).isEqualTo(409);
  }

  @Test
  void leasedDeviceRefusesJobsAndQueuesASecondExperimentUntilCancelled() throws Exception {
    Answer first = rest.post("/api/v1/experiments", spec("api-long", "phone-2", "cpu", 60_000, 100), TOKEN);
    assertThat(first.status()).isEqualTo(202);
    String runId = first.json().path("runId").asText();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> rest.get("/api/v1/experiments/" + runId).json().path("queriesDone").asLong() > 0);
    assertThat(rest.get("/api/v1/devices/phone-2").json().path("leasedBy").asText()).isEqualTo(runId);
    assertThat(rest.get("/api/v1/devices/phone-2").json().path("run").asText()).isEqualTo(runId);

    Answer job = rest.post("/api/v1/jobs",
        "{\"deviceId\":\"phone-2\",\"model\":\"mobilenet\",\"target\":\"cpu\",\"count\":1}", TOKEN);
    assertThat(job.status()).isEqualTo(409);
    assertThat(job.error()).contains("phone-2", runId);

    Answer second = rest.post("/api/v1/experiments", spec("api-queued", "phone-2", "cpu", 500, 64), TOKEN);
    assertThat(second.status()).isEqualTo(202);
    String queuedId = second.json().path("runId").asText();
    JsonNode q = rest.get("/api/v1/experiments/" + queuedId).json();
    assertThat(q.path("status").asText()).isEqualTo("queued");
    assertThat(q.path("waitingFor").get(0).asText()).isEqualTo("phone-2");

    Answer cancel = rest.post("/api/v1/experiments/" + runId + "/cancel", "", TOKEN);
    assertThat(cancel.status()).isEqualTo(202);
    JsonNode cancelled = awaitEnd(runId);
    assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
    assertThat(cancelled.path("error").asText()).contains("cancelled over REST");

    JsonNode second2 = awaitEnd(queuedId);
    assertThat(second2.path("status").asText()).isEqualTo("completed");
    assertThat(second2.path("startedNs").asLong()).isGreaterThanOrEqualTo(cancelled.path("finishedNs").asLong());
    await().atMost(Duration.ofSeconds(5)).until(() -> rest.post("/api/v1/jobs",
        "{\"deviceId\":\"phone-2\",\"model\":\"mobilenet\",\"target\":\"cpu\",\"count\":1}", TOKEN).status() == 202);
  }

  @Test
  void cancellingAQueuedRunEndsItAtOnce() throws Exception {
    String blocker = rest.post("/api/v1/experiments", spec("api-blocker", "cloud-1", "cpu", 60_000, 100), TOKEN)
        .json().path("runId").asText();
    String queued = rest.post("/api/v1/experiments", spec("api-waiting", "cloud-1", "cpu", 100, 10), TOKEN)
        .json().path("runId").asText();
    assertThat(rest.get("/api/v1/experiments/" + queued).json().path("status").asText()).isEqualTo("queued");
    Answer c = rest.delete("/api/v1/experiments/" + queued, TOKEN);
    assertThat(c.status()).isEqualTo(202);
    assertThat(c.json().path("status").asText()).isEqualTo("cancelled");
    List<String> lines = rest.sse("/api/v1/experiments/" + queued + "/events", Duration.ofSeconds(10));
    assertThat(lines.stream().filter(l -> l.startsWith("event:")).toList()).containsExactly("event:cancelled");
    assertThat(rest.get("/api/v1/experiments/" + queued + "/bundle").status()).isEqualTo(409);
    assertThat(rest.delete("/api/v1/experiments/" + blocker, TOKEN).status()).isEqualTo(202);
    assertThat(awaitEnd(blocker).path("status").asText()).isEqualTo("cancelled");
  }

  @Test
  void aDeviceCrashingMidRunFailsItsQueriesAsDeviceOfflineAndAbortsTheRun() throws Exception {
    FakeDevice phone5 = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.phoneHello("phone-5"));
    try {
      await().atMost(Duration.ofSeconds(10))
          .until(() -> rest.get("/api/v1/devices/phone-5").json().path("status").asText().equals("online"));
      phone5.replyAfter(20);
      String runId = rest.post("/api/v1/experiments", spec("api-crash", "phone-5", "cpu", 60_000, 100), TOKEN)
          .json().path("runId").asText();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> rest.get("/api/v1/experiments/" + runId).json().path("queriesDone").asLong() > 5);
      phone5.crash(); // no DISCONNECT: the broker publishes the offline last will
      JsonNode end = awaitEnd(runId);
      assertThat(end.path("status").asText()).isEqualTo("failed");
      assertThat(end.path("error").asText()).contains("phone-5", "went offline", "abort");
      assertThat(end.path("verdict").asText()).isEqualTo("INVALID");
      List<String> rows = Files.readAllLines(Path.of(end.path("bundle").asText()).resolve("queries.csv"));
      assertThat(rows.stream().skip(1).filter(r -> r.contains(",ok,"))).hasSizeGreaterThan(5);
      assertThat(rows.stream().filter(r -> r.contains("device-offline"))).isNotEmpty();
      assertThat(rows.stream().skip(1).filter(r -> !r.contains(",ok,")))
          .allMatch(r -> r.contains("device-offline") || r.contains("aborted"));
      assertThat(rest.get("/api/v1/devices/phone-5").json().path("leasedBy").isMissingNode()
          || rest.get("/api/v1/devices/phone-5").json().path("leasedBy").isNull()).isTrue();
    } finally {
      phone5.close();
    }
  }

  @Test
  void cliRunAndResultsWorkAgainstTheRealServer() throws Exception {
    Path spec = dataDir.resolve("cli-spec.json");
    Files.writeString(spec, spec("api-cli", "phone-3", "cpu", 800, 64));
    try (FakeDevice phone3 = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.phoneHello("phone-3"))) {
      await().atMost(Duration.ofSeconds(10))
          .until(() -> rest.get("/api/v1/devices/phone-3").json().path("status").asText().equals("online"));
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      int code = new picocli.CommandLine(new io.testbed.experiments.cli.RunCommand())
          .setOut(new java.io.PrintWriter(out)).setErr(new java.io.PrintWriter(err))
          .execute(spec.toString(), "--url", orchestrator.restUrl(), "--token", TOKEN, "--no-progress");
      assertThat(code).as(out + "\n" + err).isEqualTo(0);
      assertThat(out.toString()).contains("Submitted", "rep 1/1 running", "SingleStream", "VALID", "Bundle: ");
      String runId = out.toString().lines().filter(l -> l.startsWith("Submitted")).findFirst().orElseThrow()
          .replaceAll(".* as run (\\S+) .*", "$1");
      assertThat(runId).startsWith("api-cli-");

      java.io.StringWriter again = new java.io.StringWriter();
      int local = new picocli.CommandLine(new io.testbed.experiments.cli.ResultsCommand())
          .setOut(new java.io.PrintWriter(again))
          .execute(runId, "--dir", dataDir.resolve("experiments").toString(), "--url", "http://127.0.0.1:1");
      assertThat(local).isEqualTo(0);
      assertThat(again.toString()).contains("Run " + runId, "VALID");
      int remote = new picocli.CommandLine(new io.testbed.experiments.cli.ResultsCommand())
          .setOut(new java.io.PrintWriter(new java.io.StringWriter()))
          .execute(runId, "--dir", dataDir.resolve("nowhere").toString(), "--url", orchestrator.restUrl());
      assertThat(remote).isEqualTo(0);

      // a refused spec: exit 2, every problem printed
      Path bad = dataDir.resolve("bad-spec.json");
      Files.writeString(bad, "{\"name\":\"\",\"type\":\"x\"}");
      java.io.StringWriter badErr = new java.io.StringWriter();
      int refused = new picocli.CommandLine(new io.testbed.experiments.cli.RunCommand())
          .setOut(new java.io.PrintWriter(new java.io.StringWriter())).setErr(new java.io.PrintWriter(badErr))
          .execute(bad.toString(), "--url", orchestrator.restUrl(), "--token", TOKEN);
      assertThat(refused).isEqualTo(2);
      assertThat(badErr.toString()).contains("HTTP 400", "name:", "type:", "devices:");
    }
  }

  @Test
  void theExampleScriptDrivesTheApiWithCurl() throws Exception {
    Path script = Path.of("..", "experiments", "examples", "run-experiment.sh").toAbsolutePath().normalize();
    assertThat(script).exists();
    Path spec = dataDir.resolve("script-spec.json");
    Files.writeString(spec, spec("api-script", "phone-4", "cpu", 800, 64));
    Path out = dataDir.resolve("script-out");
    try (FakeDevice phone4 = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.phoneHello("phone-4"))) {
      await().atMost(Duration.ofSeconds(10))
          .until(() -> rest.get("/api/v1/devices/phone-4").json().path("status").asText().equals("online"));
      ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), spec.toString(), out.toString()).redirectErrorStream(true);
      pb.environment().put("TESTBED_URL", orchestrator.restUrl());
      pb.environment().put("TESTBED_API_TOKEN", TOKEN);
      Process p = pb.start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as(text).isEqualTo(0);
      assertThat(text).contains("submitted", "completed", "Result is : VALID", "verdict: VALID");
      try (var runs = Files.list(out)) {
        Path run = runs.findFirst().orElseThrow();
        assertThat(run.getFileName().toString()).startsWith("api-script-");
        assertThat(Files.readAllBytes(run.resolve("latency-cdf.png"))).startsWith((byte) 0x89, (byte) 'P');
        assertThat(Files.readAllLines(run.resolve("queries.csv")).get(0)).startsWith("repetition,queryId");
      }
      // a refused spec exits 2
      Path bad = dataDir.resolve("script-bad.json");
      Files.writeString(bad, "{\"name\":\"x\"}");
      ProcessBuilder refused = new ProcessBuilder("bash", script.toString(), bad.toString(), out.toString()).redirectErrorStream(true);
      refused.environment().put("TESTBED_URL", orchestrator.restUrl());
      refused.environment().put("TESTBED_API_TOKEN", TOKEN);
      Process r = refused.start();
      String rtext = new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(r.waitFor()).isEqualTo(2);
      assertThat(rtext).contains("HTTP 400", "problems");
    }
  }

  static JsonNode read(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long linesWith(String prefix, String tag) throws Exception {
    long n = 0;
    try (var files = Files.list(dataDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".lp")).toList()) {
        n += Files.readAllLines(f).stream().filter(l -> l.startsWith(prefix) && l.contains(tag)).count();
      }
    }
    return n;
  }
}
