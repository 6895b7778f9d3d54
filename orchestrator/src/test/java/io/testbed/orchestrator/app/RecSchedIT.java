package io.testbed.orchestrator.app;

import io.testbed.orchestrator.TestOrchestrators;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.testbed.agent.config.AgentSettings;
import io.testbed.cloud.app.CloudAgent;
import io.testbed.cloud.app.RunningCloudAgent;
import io.testbed.cloud.config.CloudSettings;
import io.testbed.cloud.config.RecSettings;
import io.testbed.orchestrator.RestClient;
import io.testbed.orchestrator.RestClient.Answer;
import io.testbed.testsupport.GrafanaDashboards;
import io.testbed.testsupport.Influxd;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
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
 * DeepRecSched end to end: the orchestrator (REST, real Mosquitto, real influxd) and TWO real cloud agents started in
 * process (recommendation servers with real ONNX Runtime sessions of RMC1 at a tiny row scale, one worker each). A short
 * {@code recsched} spec is submitted over REST; the run tunes B with DeepRecSched, measures both baselines and one sweep
 * point, and its report, bundle, the servers' own counters and the InfluxDB points are checked.
 */
@ExtendWith(RealServers.class)
class RecSchedIT {
  static final String DB = "testbed_recsched_it";
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dataDir;
  static RunningOrchestrator orchestrator;
  static RestClient rest;
  static Influxd influx;
  static RunningCloudAgent cloud1;
  static RunningCloudAgent cloud2;

  @BeforeAll
  static void start(Mosquitto mosquitto, Influxd influxd) throws Exception {
    influx = influxd;
    orchestrator = TestOrchestrators.onRealServers(mosquitto.url(), "orchestrator-recsched-it", influxd.url(), DB, Map.of("testbed.orchestrator.data-dir", dataDir.toString()));
    rest = new RestClient(orchestrator.restUrl());
    cloud1 = cloud("rec-it-1", mosquitto.url());
    cloud2 = cloud("rec-it-2", mosquitto.url());
    await().atMost(Duration.ofSeconds(60)).until(() ->
        rest.get("/api/v1/devices/rec-it-1").json().path("capabilitiesKnown").asBoolean()
            && rest.get("/api/v1/devices/rec-it-2").json().path("capabilitiesKnown").asBoolean());
  }

  static RunningCloudAgent cloud(String id, String broker) {
    AgentSettings agent = AgentSettings.load(Map.of("testbed.agent.id", id, "testbed.agent.profile", "cloud",
        "testbed.agent.models", List.of("mlp"), "testbed.agent.mqtt.broker", broker, "testbed.agent.cpu-cap.enabled", false));
    CloudSettings cloud = CloudSettings.fromConfig(ConfigFactory.load());
    RecSettings rec = RecSettings.fromConfig(ConfigFactory.load()).withModels(List.of("dlrm-rmc1")).withScale(1e-6)
        .withPool(1, 1, 64).withQueryTimeout(Duration.ofSeconds(20));
    return CloudAgent.start(agent, cloud, rec);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cloud1 != null) cloud1.close();
    if (cloud2 != null) cloud2.close();
    if (orchestrator != null) orchestrator.stop().toCompletableFuture().get();
  }

  static final String SPEC = """
      {"name":"recsched-it","type":"recsched","servers":["rec-it-1","rec-it-2"],"models":["dlrm-rmc1"],
       "slaMs":{"dlrm-rmc1":80},"querySize":{"kind":"lognormal","mu":4.0,"sigma":0.2},
       "policies":["deeprecsched","static-no-split","static-small-batch"],"smallBatchSize":8,
       "batchSizes":[8,64],"offloadThresholds":[],"windowQueries":16,"maxWindows":3,"medianOfLast":2,
       "confirmWindows":1,"grid":{"minQps":5,"maxQps":500,"stepsPerDecade":5,"startQps":20},
       "queryTimeoutMs":5000,"sweep":{"batchSizes":[32]},"warmup":8,"rounds":1,"seed":7}
      """;

  @Test
  void aShortDeepRecSchedTuningAgainstTwoRealRecommendationServers() throws Exception {
    Answer a = rest.post("/api/v1/experiments", SPEC, null);
    assertThat(a.status()).as(a.raw()).isEqualTo(202);
    assertThat(a.json().path("scenario").asText()).isEqualTo("recsched");
    assertThat(a.json().path("devices")).extracting(JsonNode::asText).containsExactly("rec-it-1", "rec-it-2");
    String runId = a.json().path("runId").asText();
    // Leased: a job on a server is refused while the run holds it.
    await().atMost(Duration.ofSeconds(30)).until(() -> rest.get("/api/v1/experiments/" + runId).json().path("status").asText().equals("running"));
    Answer job = rest.post("/api/v1/jobs", "{\"deviceId\":\"rec-it-2\",\"model\":\"mlp\",\"target\":\"cpu\",\"count\":1}", null);
    assertThat(job.status()).as(job.raw()).isEqualTo(409);
    assertThat(job.raw()).contains("leased by experiment");
    await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
        .until(() -> rest.get("/api/v1/experiments/" + runId).json().path("status").asText().matches("completed|failed|cancelled"));
    JsonNode view = rest.get("/api/v1/experiments/" + runId).json();
    assertThat(view.path("status").asText()).as(view.toString()).isEqualTo("completed");
    assertThat(view.path("repetitions").asInt()).isEqualTo(5); // warm-up + 3 policies + 1 sweep point

    JsonNode summary = view.path("summary");
    assertThat(summary.path("type").asText()).isEqualTo("recsched");
    assertThat(summary.path("servers")).hasSize(2);
    assertThat(summary.path("servers").get(0).path("workers").asInt()).isEqualTo(1);
    JsonNode model = summary.path("models").get(0);
    assertThat(model.path("model").asText()).isEqualTo("dlrm-rmc1");
    assertThat(model.path("policies")).extracting(p -> p.path("policy").asText())
        .containsExactly("deeprecsched", "static-no-split", "static-small-batch");
    JsonNode drs = model.path("policies").get(0);
    assertThat(drs.path("trials")).extracting(t -> t.path("batchSize").asInt()).startsWith(8);
    assertThat(List.of(8, 64)).contains(drs.path("batchSize").asInt());
    assertThat(model.path("policies").get(1).path("batchSize").asInt()).isEqualTo(1024);
    assertThat(model.path("policies").get(2).path("batchSize").asInt()).isEqualTo(8);
    for (JsonNode p : model.path("policies")) assertThat(p.path("queries").asLong()).isPositive();
    assertThat(summary.path("sweep")).hasSize(1);
    assertThat(summary.path("sweep").get(0).path("batchSize").asInt()).isEqualTo(32);
    assertThat(summary.path("windows").size()).isGreaterThanOrEqualTo(4);
    // The warm-up ran first over every B of the run (8, 64, 1024, 32 ascending), 8 queries per server, in no result.
    assertThat(summary.path("warmups")).hasSize(1);
    assertThat(summary.path("warmups").get(0).path("batchSizes")).extracting(JsonNode::asInt).containsExactly(8, 32, 64, 1024);
    assertThat(summary.path("warmups").get(0).path("queries").asLong()).isGreaterThanOrEqualTo(16);
    assertThat(summary.path("windows")).extracting(w -> w.path("policy").asText()).doesNotContain("warmup");
    assertThat(summary.path("rounds").asInt()).isEqualTo(1);
    assertThat(model.path("summary")).extracting(p -> p.path("policy").asText())
        .containsExactly("deeprecsched", "static-no-split", "static-small-batch");

    // Both real servers served queries and took the pushed (B, T): the last step was the B=32 sweep point.
    assertThat(cloud1.rec().orElseThrow().stats().served()).isPositive();
    assertThat(cloud2.rec().orElseThrow().stats().served()).isPositive();
    assertThat(JSON.readTree(http(cloud1.endpoint() + "/v1/rec/config")).path("models").path("dlrm-rmc1").path("batchSize").asInt())
        .isEqualTo(32);

    Path bundle = Path.of(view.path("bundle").asText());
    for (String f : List.of("summary.json", "spec.json", "devices.json", "recsched-report.json", "recsched-report.txt",
        "plots/recsched-qps.png", "plots/recsched-p95.png", "plots/recsched-sweep.png")) {
      assertThat(Files.size(bundle.resolve(f))).as(f).isPositive();
    }
    assertThat(http(orchestrator.restUrl() + "/api/v1/experiments/" + runId + "/files/recsched-report.txt")).contains("deeprecsched");

    // Per-window p95 and the chosen configurations are in InfluxDB.
    await().atMost(Duration.ofSeconds(15)).until(() -> count("recsched_window", "p95Ms", runId, "") >= 4
        && count("recsched_config", "batchSize", runId, "") >= 4
        && count("experiment_event", "value", runId, " AND \"kind\"='recsched-choice'") == 4
        && count("experiment_event", "value", runId, " AND \"kind\"='warmup'") == 1);
    assertThat(count("recsched_window", "p95Ms", runId, " AND \"policy\"='warmup'")).isZero();
    assertThat(count("recsched_window", "p95Ms", runId, " AND \"round\"='1'")).isEqualTo(count("recsched_window", "p95Ms", runId, ""));
    // Issue 5: every panel of the recommendation-serving Grafana dashboard runs against this run's data and returns some.
    assertThat(GrafanaDashboards.problems(influx, DB, GrafanaDashboards.queries(GrafanaDashboards.dir().resolve("recsched.json"),
        Map.of("run", runId)))).isEmpty();
  }

  static long count(String measurement, String field, String runId, String extra) throws Exception {
    String q = "SELECT count(\"" + field + "\") FROM \"" + measurement + "\" WHERE \"run\"='" + runId + "'" + extra;
    JsonNode values = JSON.readTree(influx.query(DB, q)).at("/results/0/series/0/values/0/1");
    return values.isMissingNode() ? 0 : values.asLong();
  }

  static String http(String url) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }
}
