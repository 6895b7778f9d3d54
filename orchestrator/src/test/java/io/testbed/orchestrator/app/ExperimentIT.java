package io.testbed.orchestrator.app;

import io.testbed.orchestrator.TestOrchestrators;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testbed.orchestrator.FakeDevice;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.RestClient;
import io.testbed.orchestrator.RestClient.Answer;
import io.testbed.testsupport.Influxd;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experiments end to end against a real Mosquitto process and a real influxd: test-side Paho devices answer every
 * command after 5 ms (a test device sustains ~150 answers/s on a busy 2-core host, so the Server rate is 60 QPS with
 * early stopping off: 459 queries would be needed at p99); a SingleStream and a Server experiment are submitted over REST, and their bundles (VALID
 * summary text, one CSV row per query, PNG plots) and their {@code query} / {@code experiment_event} / {@code inference}
 * points in InfluxDB (by run id) are checked.
 */
@ExtendWith(RealServers.class)
class ExperimentIT {
  static final String DB = "testbed_experiment_it";
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dataDir;
  static RunningOrchestrator orchestrator;
  static RestClient rest;
  static Influxd influx;
  static FakeDevice phone;
  static FakeDevice cloud;

  @BeforeAll
  static void start(Mosquitto mosquitto, Influxd influxd) throws Exception {
    influx = influxd;
    orchestrator = TestOrchestrators.onRealServers(mosquitto.url(), "orchestrator-experiment-it", influxd.url(), DB, Map.of("testbed.orchestrator.data-dir", dataDir.toString()));
    rest = new RestClient(orchestrator.restUrl());
    phone = FakeDevice.start(mosquitto.url(), Fixtures.phoneHello("phone-x1")).replyAfter(5);
    cloud = FakeDevice.start(mosquitto.url(), Fixtures.cloudHello("cloud-x1", "http://127.0.0.1:9/infer")).replyAfter(5);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        rest.get("/api/v1/devices/phone-x1").json().path("status").asText().equals("online")
            && rest.get("/api/v1/devices/cloud-x1").json().path("status").asText().equals("online"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (phone != null) phone.close();
    if (cloud != null) cloud.close();
    if (orchestrator != null) orchestrator.stop().toCompletableFuture().get();
  }

  static JsonNode run(String spec) throws Exception {
    Answer a = rest.post("/api/v1/experiments", spec, null);
    assertThat(a.status()).as(a.raw()).isEqualTo(202);
    String runId = a.json().path("runId").asText();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
        .until(() -> rest.get("/api/v1/experiments/" + runId).json().path("status").asText().matches("completed|failed|cancelled"));
    return rest.get("/api/v1/experiments/" + runId).json();
  }

  static long count(String measurement, String field, String where) throws Exception {
    JsonNode r = JSON.readTree(influx.query(DB, "SELECT count(\"" + field + "\") FROM \"" + measurement + "\" WHERE " + where));
    JsonNode values = r.path("results").path(0).path("series").path(0).path("values");
    return values.isMissingNode() || values.isEmpty() ? 0 : values.path(0).path(1).asLong();
  }

  /** Checks the run folder and returns the number of query rows. */
  static long checkBundle(JsonNode done, String scenario) throws Exception {
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
    assertThat(done.path("verdict").asText())
        .as(done.path("summary").path("repetitions").get(0).path("summary").path("invalidReasons").toString())
        .isEqualTo("VALID");
    Path dir = Path.of(done.path("bundle").asText());
    assertThat(dir.getParent()).isEqualTo(dataDir.resolve("experiments").toAbsolutePath());
    String text = Files.readString(dir.resolve("mlperf_log_summary.txt"));
    assertThat(text).contains("Result is : VALID", "Scenario : " + scenario);
    List<String> csv = Files.readAllLines(dir.resolve("queries.csv"), StandardCharsets.UTF_8);
    long rows = csv.size() - 1;
    JsonNode summary = done.path("summary").path("repetitions").get(0).path("summary");
    assertThat(rows).isEqualTo(summary.path("queryCount").asLong()).isGreaterThan(50);
    assertThat(csv.get(0)).startsWith("repetition,queryId,");
    for (String png : List.of("latency-cdf.png", "latency-over-time.png", "energy-per-query.png")) {
      byte[] b = Files.readAllBytes(dir.resolve("plots").resolve(png));
      assertThat(b.length).as(png).isGreaterThan(1000);
      assertThat(new String(b, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }
    JsonNode devices = JSON.readTree(dir.resolve("devices.json").toFile());
    assertThat(devices.get(0).path("software").isObject()).isTrue();
    assertThat(JSON.readTree(dir.resolve("seeds.json").toFile()).path("seeds").size()).isEqualTo(1);
    assertThat(JSON.readTree(dir.resolve("spec.json").toFile()).path("scenario").path("kind").asText()).isEqualTo(scenario);
    return rows;
  }

  @Test
  void singleStreamAndServerRunEndToEndIntoBundlesAndInfluxDb() throws Exception {
    JsonNode single = run("""
        {"name":"it-single","type":"inference","devices":[{"id":"phone-x1"}],"models":["mobilenet"],
         "policy":{"kind":"fixed","target":"cpu"},
         "scenario":{"kind":"SingleStream","minDurationMs":2000,"minQueryCount":100,"queryTimeoutMs":5000},
         "repetitions":{"baseSeed":3},"qos":{"latencyMs":100}}""");
    long singleRows = checkBundle(single, "SingleStream");
    String singleId = single.path("runId").asText();

    JsonNode server = run("""
        {"name":"it-server","type":"inference","devices":[{"id":"cloud-x1"}],"models":["mobilenet"],
         "policy":{"kind":"fixed","target":"cpu"},
         "scenario":{"kind":"Server","targetQps":60,"latencyBoundMs":200,"minDurationMs":3000,"minQueryCount":180,
                     "queryTimeoutMs":5000,"earlyStopping":false},
         "timeline":[{"atMs":1000,"action":"marker","device":"cloud-x1","params":{"note":"no injector"}}]}""");
    long serverRows = checkBundle(server, "Server");
    String serverId = server.path("runId").asText();
    assertThat(server.path("summary").path("repetitions").get(0).path("summary").path("metricName").asText())
        .containsIgnoringCase("second");

    // every query is a point tagged with its run; the twins' inference points carry the run id too
    await().atMost(Duration.ofSeconds(20)).until(() -> count("query", "latencyMs", "\"run\"='" + singleId + "'") == singleRows);
    await().atMost(Duration.ofSeconds(20)).until(() -> count("query", "latencyMs", "\"run\"='" + serverId + "'") == serverRows);
    assertThat(count("query", "latencyMs", "\"run\"='" + singleId + "' AND \"device\"='phone-x1' AND \"target\"='cpu'"
        + " AND \"model\"='mobilenet' AND \"scenario\"='SingleStream' AND \"repetition\"='1' AND \"outcome\"='ok'"
        + " AND \"policy\"='fixed' AND \"source\"='modelled'")).isEqualTo(singleRows);
    assertThat(count("query", "energyJ", "\"run\"='" + serverId + "' AND \"scenario\"='Server'")).isEqualTo(serverRows);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        count("inference", "latencyMs", "\"run\"='" + serverId + "' AND \"device\"='cloud-x1'") == serverRows);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        count("experiment_event", "value", "\"run\"='" + serverId + "' AND \"kind\"='completed'") == 1);
    assertThat(count("experiment_event", "value", "\"run\"='" + serverId + "' AND \"kind\"='started'")).isEqualTo(1);
    assertThat(count("experiment_event", "value", "\"run\"='" + serverId + "' AND \"kind\"='timeline'")).isEqualTo(1);
    JsonNode msg = JSON.readTree(influx.query(DB,
        "SELECT \"message\" FROM \"experiment_event\" WHERE \"run\"='" + serverId + "' AND \"kind\"='completed'"));
    assertThat(msg.path("results").path(0).path("series").path(0).path("values").path(0).path(1).asText())
        .startsWith("completed VALID");
    // heartbeats while leased carry the run id
    assertThat(count("heartbeat", "cpuUtilisation", "\"run\"='" + serverId + "' AND \"device\"='cloud-x1'")).isGreaterThan(0);
    // query points sit in wall-clock time around the run
    JsonNode first = JSON.readTree(influx.query(DB, "SELECT first(\"latencyMs\") FROM \"query\" WHERE \"run\"='" + singleId + "'"));
    long t = epochNs(first);
    assertThat(t).isBetween(single.path("startedNs").asLong(), single.path("finishedNs").asLong());
  }

  /** The time of the first row of a query answer (epoch ns, or RFC 3339 when the query asked for no epoch). */
  static long epochNs(JsonNode r) {
    JsonNode ts = r.path("results").path(0).path("series").path(0).path("values").path(0).path(0);
    if (ts.isNumber() || ts.asText().matches("\\d+")) return Long.parseLong(ts.asText());
    java.time.Instant i = java.time.Instant.parse(ts.asText());
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
