package io.testbed.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.testbed.orchestrator.FakeDevice;
import io.testbed.orchestrator.RestClient;
import io.testbed.orchestrator.TestOrchestrators;
import io.testbed.orchestrator.RestClient.Answer;
import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.ExecutionTarget;
import io.testbed.protocol.Hello;
import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.TargetKind;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code recsched} experiment type through the real REST API (embedded broker, fake devices on MQTT): spec
 * validation (400 naming fields), resolution against the hellos (422), a run whose server cannot be reached (failed,
 * bundle written, leases released), and a run against an in-test HTTP recommendation server that is cancelled.
 */
class RecSchedApiTest {
  @TempDir static Path dataDir;
  static RunningOrchestrator orchestrator;
  static RestClient rest;
  static FakeDevice unreachable;
  static FakeDevice vision;
  static FakeDevice slow;
  static HttpServer server;
  static final AtomicInteger queries = new AtomicInteger();
  static final AtomicInteger pushes = new AtomicInteger();

  static Hello recHello(String id, String endpoint) {
    return new Hello(SchemaVersion.CURRENT, id, 1, DeviceKind.CLOUD, "cloud", true,
        List.of(new ExecutionTarget("cpu", TargetKind.CPU, Precision.FP32, List.of(), 4.0, false)),
        List.of(new ModelInfo("dlrm-rmc1", "recommendation", List.of(Precision.FP32),
            new ModelFeatures(10, 1, 0, 1_000_000L, 1_000_000L, List.of(13L)))),
        List.of(), Map.of(), endpoint, List.of());
  }

  @BeforeAll
  static void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/v1/rec/config", ex -> {
      if (ex.getRequestMethod().equals("PUT")) pushes.incrementAndGet();
      reply(ex, 200, "{\"workers\":2,\"instances\":1,\"acceleratorThresholdNever\":1025,\"accelerator\":{\"source\":\"modelled\"}}");
    });
    server.createContext("/v1/rec/query", ex -> {
      queries.incrementAndGet();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reply(ex, 200, "{\"latencyMs\":5}");
    });
    server.start();
    orchestrator = TestOrchestrators.embedded(dataDir, Map.of(
        "testbed.orchestrator.experiments.progress-interval", "100ms"));
    rest = new RestClient(orchestrator.restUrl());
    unreachable = FakeDevice.start(orchestrator.brokerUrl(), recHello("rec-down", "http://127.0.0.1:9"));
    vision = FakeDevice.start(orchestrator.brokerUrl(), io.testbed.orchestrator.Fixtures.cloudHello("vision-1", "http://127.0.0.1:9/infer"));
    slow = FakeDevice.start(orchestrator.brokerUrl(), recHello("rec-up", "http://127.0.0.1:" + server.getAddress().getPort()));
    TestOrchestrators.awaitOnline(rest, 3);
  }

  static void reply(HttpExchange ex, int status, String body) throws java.io.IOException {
    ex.getRequestBody().readAllBytes();
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @AfterAll
  static void stop() throws Exception {
    if (unreachable != null) unreachable.close();
    if (vision != null) vision.close();
    if (slow != null) slow.close();
    if (orchestrator != null) orchestrator.stop().toCompletableFuture().get();
    if (server != null) server.stop(0);
  }

  static String spec(String servers, String extra) {
    return "{\"name\":\"api\",\"type\":\"recsched\",\"servers\":[" + servers + "],\"models\":[\"dlrm-rmc1\"]" + extra + "}";
  }

  @Test
  void aBadSpecIs400WithEveryProblemNamingItsField() throws Exception {
    Answer a = rest.post("/api/v1/experiments", spec("\"rec-up\"", ",\"windowQueries\":1,\"policies\":[\"greedy\"],\"extra\":1"), null);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().path("problems")).extracting(p -> p.path("path").asText())
        .contains("windowQueries", "policies[0]", "extra");
  }

  @Test
  void unknownServersAndServersWithoutTheModelAre422() throws Exception {
    Answer a = rest.post("/api/v1/experiments", spec("\"rec-up\",\"nope-9\",\"vision-1\"", ""), null);
    assertThat(a.status()).as(a.raw()).isEqualTo(422);
    assertThat(a.json().path("unknown").path("devices")).extracting(JsonNode::asText).containsExactly("nope-9");
    assertThat(a.json().path("unknown").path("models")).extracting(JsonNode::asText).containsExactly("dlrm-rmc1");
    assertThat(a.json().path("problems")).extracting(p -> p.path("message").asText())
        .anySatisfy(m -> assertThat(m).contains("server 'vision-1' does not serve recommendation model 'dlrm-rmc1'"));
  }

  @Test
  void aServerThatCannotBeReachedFailsTheRunWithAReasonAndReleasesIt() throws Exception {
    Answer a = rest.post("/api/v1/experiments", spec("\"rec-down\"", ""), null);
    assertThat(a.status()).as(a.raw()).isEqualTo(202);
    String runId = a.json().path("runId").asText();
    await().atMost(Duration.ofSeconds(30)).until(() -> rest.get("/api/v1/experiments/" + runId).json().path("status").asText().equals("failed"));
    JsonNode v = rest.get("/api/v1/experiments/" + runId).json();
    assertThat(v.path("error").asText()).contains("cannot read a recommendation server's configuration");
    assertThat(v.path("verdict").asText()).isEqualTo("INVALID");
    assertThat(Files.exists(Path.of(v.path("bundle").asText(), "recsched-report.json"))).isTrue();
    Answer again = rest.post("/api/v1/experiments", spec("\"rec-down\"", ""), null);
    assertThat(again.status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        rest.get("/api/v1/experiments/" + again.json().path("runId").asText()).json().path("status").asText().equals("failed"));
  }

  @Test
  void aRunningTuningCanBeCancelledAndKeepsWhatItMeasured() throws Exception {
    Answer a = rest.post("/api/v1/experiments", spec("\"rec-up\"", ",\"slaMs\":{\"dlrm-rmc1\":50},\"maxWindows\":1000,\"medianOfLast\":2,"
        + "\"grid\":{\"minQps\":20,\"maxQps\":40,\"stepsPerDecade\":10,\"startQps\":20},\"windowQueries\":8,\"warmup\":0"), null);
    assertThat(a.status()).as(a.raw()).isEqualTo(202);
    String runId = a.json().path("runId").asText();
    assertThat(a.json().path("scenario").asText()).isEqualTo("recsched");
    assertThat(a.json().path("policy").asText()).isEqualTo("deeprecsched,static-no-split,static-small-batch");
    await().atMost(Duration.ofSeconds(30)).until(() -> queries.get() > 20
        && rest.get("/api/v1/experiments/" + runId).json().path("queriesDone").asLong() > 0);
    assertThat(pushes.get()).isPositive();
    Answer c = rest.delete("/api/v1/experiments/" + runId);
    assertThat(c.status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> rest.get("/api/v1/experiments/" + runId).json().path("status").asText().equals("cancelled"));
    JsonNode v = rest.get("/api/v1/experiments/" + runId).json();
    assertThat(v.path("summary").path("type").asText()).isEqualTo("recsched");
    assertThat(v.path("summary").path("windows").size()).isPositive();
    int after = queries.get();
    Thread.sleep(500);
    assertThat(queries.get()).as("no load after the cancel").isLessThanOrEqualTo(after + 2);
  }
}
