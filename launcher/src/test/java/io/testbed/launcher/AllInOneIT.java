package io.testbed.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testbed.inference.ModelCache;
import io.testbed.protocol.Topics;
import io.testbed.testsupport.Influxd;
import io.testbed.testsupport.RealServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the all-in-one (embedded broker, orchestrator, four agent processes) against a real influxd. Every device
 * is seen over REST, a job runs locally on the phone and offloaded to the cloud, and the points land in InfluxDB with
 * the right tags.
 */
@ExtendWith(RealServers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AllInOneIT {
  static final ObjectMapper JSON = new ObjectMapper();
  Influxd influx;
  AllInOne all;

  Path modelCache;

  @BeforeAll
  void start(Influxd influx, @TempDir Path dataDir, @TempDir Path modelCache) throws Exception {
    this.influx = influx;
    this.modelCache = modelCache;
    AllInOneOptions o = new AllInOneOptions();
    o.influxUrl = influx.url();
    o.dataDir = dataDir.toString();
    // An empty model cache, as on a fresh machine: the launcher builds the graphs, the agents read them.
    System.setProperty(ModelCache.PROPERTY, modelCache.toString());
    all = AllInOne.start(o.load(0, 0));
  }

  @AfterAll
  void stop() {
    System.clearProperty(ModelCache.PROPERTY);
    if (all != null) all.close();
  }

  @Test
  @Order(1)
  void agentsReadTheGraphsTheLauncherBuiltIntoTheModelCache() throws Exception {
    try (java.util.stream.Stream<Path> files = Files.list(modelCache)) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".onnx")).toList())
          .hasSize(10) // 5 models x (FP32, INT8)
          .anyMatch(n -> n.startsWith("mobilenet-int8-"));
    }
    for (String device : List.of("phone-1", "sensor-node-1")) { // device agents start once the launcher's build is done
      String warm = Files.readAllLines(all.log(device)).stream().filter(l -> l.contains("warmed up")).findFirst().orElseThrow();
      assertThat(warm).contains(modelCache.toString()).contains(", 0 built)");
    }
    // recommendation serving is the cloud's: the edge box lists no recommendation model, the clouds do
    assertThat(all.api().device("edge-box-1").path("models").findValuesAsText("family")).doesNotContain("recommendation");
    assertThat(all.api().device("cloud-2").path("models").findValuesAsText("name")).contains("dlrm-rmc1");
  }

  @Test
  @Order(1)
  void everyDeviceOfTheFleetIsOnlineWithItsKindAndCapabilities() {
    JsonNode devices = all.api().devices();
    List<String> summary = new ArrayList<>();
    for (JsonNode d : devices) summary.add(d.path("id").asText() + ":" + d.path("kind").asText() + ":" + d.path("status").asText());
    assertThat(summary).containsExactlyInAnyOrder("phone-1:phone:online", "edge-box-1:edge:online",
        "sensor-node-1:sensor:online", "cloud-1:cloud:online", "cloud-2:cloud:online");
    JsonNode cloud = all.api().device("cloud-1");
    assertThat(cloud.path("endpoint").asText()).startsWith("http://127.0.0.1:");
    JsonNode phone = all.api().device("phone-1");
    assertThat(phone.path("models").findValuesAsText("name")).contains("mobilenet", "resnet", "inception", "mlp", "textrnn");
    assertThat(phone.path("emulated").asBoolean()).isTrue();
  }

  @Test
  @Order(2)
  void localAndOffloadedJobsLandInInfluxDbWithTheirTags() throws Exception {
    JsonNode local = runJob(Map.of("deviceId", "phone-1", "model", "mobilenet", "target", "cpu", "count", 3));
    JsonNode offload = runJob(Map.of("deviceId", "phone-1", "model", "mobilenet", "target", "offload", "offloadTo", "cloud-1", "count", 3));

    assertThat(local.path("results")).hasSize(3);
    for (JsonNode r : local.path("results")) {
      assertThat(r.path("outcome").asText()).isEqualTo("ok");
      assertThat(r.path("executedOn").asText()).isEqualTo("phone-1");
      assertThat(r.path("energySource").asText()).isEqualTo("modelled");
    }
    for (JsonNode r : offload.path("results")) {
      assertThat(r.path("outcome").asText()).isEqualTo("ok");
      assertThat(r.path("executedOn").asText()).isEqualTo("cloud-1");
      assertThat(r.path("networkMs").isNumber()).isTrue();
    }
    // Same model, same input seed: the phone and the cloud computed the same output.
    assertThat(offload.path("results").get(0).path("outputDigest").asText())
        .isEqualTo(local.path("results").get(0).path("outputDigest").asText());

    String localRun = local.path("jobId").asText();
    String offloadRun = offload.path("jobId").asText();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(count("SELECT count(latencyMs) FROM inference WHERE device='phone-1' AND run='" + localRun
          + "' AND target='cpu' AND model='mobilenet' AND source='modelled'")).isEqualTo(3);
      assertThat(count("SELECT count(latencyMs) FROM inference WHERE device='phone-1' AND run='" + offloadRun
          + "' AND target='offload' AND executedOn='cloud-1'")).isEqualTo(3);
      assertThat(count("SELECT count(powerW) FROM power WHERE device='phone-1' AND source='modelled'")).isGreaterThan(0);
      assertThat(count("SELECT count(cpuUtilisation) FROM heartbeat WHERE device='sensor-node-1'")).isGreaterThan(0);
    });
  }

  @Test
  @Order(3)
  void garbageOnADeviceTopicIsCountedAndTheDeviceKeepsWorking() throws Exception {
    long before = all.api().device("edge-box-1").path("malformedMessages").asLong();
    MqttClient raw = new MqttClient(all.orchestrator().brokerUrl(), "garbage-sender", new MemoryPersistence());
    raw.connect();
    raw.publish(Topics.heartbeat("edge-box-1"), "\u0000\u0001 not json".getBytes(StandardCharsets.UTF_8), 1, false);
    raw.disconnect();
    raw.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> all.api().device("edge-box-1").path("malformedMessages").asLong() == before + 1);
    assertThat(all.api().device("edge-box-1").path("status").asText()).isEqualTo("online");
    JsonNode job = runJob(Map.of("deviceId", "edge-box-1", "model", "mlp", "target", "cpu", "count", 2));
    assertThat(job.path("results").findValuesAsText("outcome")).containsOnly("ok");
  }

  /** Issue 8: every Grafana panel's query returns its promised columns and at least one row for this run's data. */
  @Test
  @Order(4)
  void everyDashboardPanelReturnsDataForTheRun() throws Exception {
    JsonNode job = runJob(Map.of("deviceId", "phone-1", "model", "mobilenet", "target", "cpu", "count", 2));
    String run = job.path("jobId").asText();
    Map<String, String> vars = Map.of("run", run, "device", "phone-1");
    List<io.testbed.testsupport.GrafanaDashboards.PanelQuery> queries = new ArrayList<>();
    for (String d : List.of("fleet-overview.json", "power-energy.json", "inference.json")) {
      queries.addAll(io.testbed.testsupport.GrafanaDashboards.queries(io.testbed.testsupport.GrafanaDashboards.dir().resolve(d), vars));
    }
    assertThat(queries).hasSizeGreaterThanOrEqualTo(12);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(io.testbed.testsupport.GrafanaDashboards.problems(influx, "testbed", queries)).isEmpty());
  }

  /** Issue 8: the built-in page shows every device and a live chart gains points while a job runs; a screenshot is kept. */
  @Test
  @Order(5)
  void webPageShowsTheFleetAndLiveChartsInARealBrowser() throws Exception {
    org.openqa.selenium.chrome.ChromeDriver browser = Browser.start();
    try {
      browser.get(all.orchestrator().restUrl() + "/");
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(browser.findElements(org.openqa.selenium.By.cssSelector("#devices tbody tr")).stream()
              .map(r -> r.getAttribute("data-device")).toList())
              .containsExactlyInAnyOrder("phone-1", "edge-box-1", "sensor-node-1", "cloud-1", "cloud-2"));
      assertThat(browser.findElement(org.openqa.selenium.By.cssSelector("#devices tbody tr[data-device='phone-1']")).getText())
          .contains("online", "phone");
      long before = ((Number) browser.executeScript("return window.testbedPage.chartPoints.latency")).longValue();
      runJob(Map.of("deviceId", "phone-1", "model", "mlp", "target", "cpu", "count", 5));
      await().atMost(Duration.ofSeconds(20)).until(() ->
          ((Number) browser.executeScript("return window.testbedPage.chartPoints.latency")).longValue() >= before + 5);
      assertThat(((Number) browser.executeScript("return window.testbedPage.chartPoints.power")).longValue()).isGreaterThan(0);
      Path shots = Path.of("target", "screenshots");
      java.nio.file.Files.createDirectories(shots);
      byte[] png = browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
      java.nio.file.Files.write(shots.resolve("web-page.png"), png);
      assertThat(png.length).isGreaterThan(10_000);
    } finally {
      browser.quit();
    }
  }

  /** Issue 8 item 5: a run's series export as CSV and as line protocol. */
  @Test
  @Order(6)
  void runSeriesExportAsCsvAndLineProtocol() throws Exception {
    JsonNode job = runJob(Map.of("deviceId", "cloud-1", "model", "mlp", "target", "cpu", "count", 4));
    String run = job.path("jobId").asText();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var csv = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(all.orchestrator().restUrl()
          + "/api/v1/runs/" + run + "/series.csv")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(csv.statusCode()).isEqualTo(200);
      assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
      List<String> rows = csv.body().lines().filter(l -> l.startsWith("inference,")).toList();
      assertThat(rows).hasSize(4);
      var lp = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(all.orchestrator().restUrl()
          + "/api/v1/runs/" + run + "/series.lp")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(lp.statusCode()).isEqualTo(200);
      assertThat(lp.body().lines().filter(l -> l.startsWith("inference,")).toList()).hasSize(4)
          .allMatch(l -> l.contains("run=" + run) && l.contains("device=cloud-1"));
    });
    var missing = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(all.orchestrator().restUrl()
        + "/api/v1/runs/no-such-run/series.csv")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  /** Issue 6: the all-in-one's power bridge meters phone-1; each inference gets meter energy with its uncertainty. */
  @Test
  @Order(7)
  void boundMeterYieldsPerInferenceEnergyWithUncertainty() throws Exception {
    await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
      JsonNode meter = all.api().get("/api/v1/meters/phone-1-model");
      assertThat(meter.toString()).contains("phone-1", "modelled");
      boolean clockKnown = false;
      for (JsonNode c : all.api().get("/api/v1/clocks")) {
        if ("phone-1".equals(c.path("id").asText()) && c.hasNonNull("uncertaintyNs")) clockKnown = true;
      }
      assertThat(clockKnown).as("phone-1's clock estimated").isTrue();
    });
    JsonNode job = runJob(Map.of("deviceId", "phone-1", "model", "mobilenet", "target", "cpu", "count", 3));
    String run = job.path("jobId").asText();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode energies = all.api().get("/api/v1/energy/" + run);
      List<JsonNode> list = new ArrayList<>();
      (energies.isArray() ? energies : energies.path("energies")).forEach(list::add);
      assertThat(list).hasSize(3);
      for (JsonNode e : list) {
        assertThat(e.path("meterId").asText()).isEqualTo("phone-1-model");
        assertThat(e.path("energySource").asText()).isEqualTo("modelled");
        assertThat(e.path("energyMethod").asText()).isIn("integrated", "window-average");
        assertThat(e.path("energyJ").asDouble()).isPositive();
        assertThat(e.hasNonNull("energyUncertaintyJ")).isTrue();
      }
      assertThat(count("SELECT count(energyUncertaintyJ) FROM inference WHERE run='" + run + "'")).isEqualTo(3);
    });
  }

  private JsonNode runJob(Map<String, Object> body) throws InterruptedException {
    JsonNode submitted = all.api().submitJob(body);
    JsonNode done = all.api().awaitJob(submitted.path("jobId").asText(), Duration.ofSeconds(120));
    assertThat(done.path("status").asText()).isEqualTo("completed");
    return done;
  }

  private long count(String influxQl) throws Exception {
    JsonNode r = JSON.readTree(influx.query("testbed", influxQl));
    JsonNode values = r.path("results").path(0).path("series").path(0).path("values");
    return values.isMissingNode() || values.isEmpty() ? 0 : values.get(0).get(1).asLong();
  }
}
