package io.testbed.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testbed.orchestrator.AutoScalePhone;
import io.testbed.orchestrator.FakeDevice;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.RestClient;
import io.testbed.orchestrator.TestOrchestrators;
import io.testbed.orchestrator.RestClient.Answer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short AutoScale run end to end (REST, embedded broker, {@link AutoScalePhone} over Paho, whose offloads are cheap
 * and fast at strong RSSI and slow and costly at weak RSSI, as the injector sets it; QoS 150 ms): the timeline goes strong -> weak -> strong
 * Wi-Fi; AutoScale's decisions move away from the cloud while the signal is weak and back to it when it recovers;
 * the comparison (cpu-only, cloud-only, autoscale, oracle) lands in the bundle with its plots; decisions are points
 * next to the injected network events; the Q-table is persisted and exported over REST.
 */
class AutoScaleIT {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dataDir;
  static RunningOrchestrator orchestrator;
  static RestClient rest;
  static AutoScalePhone phone;
  static FakeDevice cloud;

  @BeforeAll
  static void start() throws Exception {
    orchestrator = TestOrchestrators.embedded(dataDir, Map.of(
        "testbed.orchestrator.experiments.progress-interval", "200ms",
        "testbed.orchestrator.line-protocol.flush-interval", "200ms"));
    rest = new RestClient(orchestrator.restUrl());
    phone = AutoScalePhone.start(orchestrator.brokerUrl(), "phone-a1", List.of("cloud-a1"));
    cloud = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.cloudHello("cloud-a1", "http://127.0.0.1:9/infer"));
    TestOrchestrators.awaitOnline(rest, 2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (phone != null) phone.close();
    if (cloud != null) cloud.close();
    if (orchestrator != null) orchestrator.stop().toCompletableFuture().get();
  }

  @Test
  void decisionsLeaveTheCloudWhenRssiDropsAndReturnWhenItRecovers() throws Exception {
    String spec = """
        {"name":"it-autoscale","type":"autoscale","devices":[{"id":"phone-a1"},{"id":"cloud-a1"}],"models":["mobilenet"],
         "policy":{"kind":"autoscale","policies":["cpu-only","cloud-only","autoscale","oracle"],
                   "params":{"epsilon":0.1,"profileRequests":2,"settleMs":50,"seed":5}},
         "scenario":{"kind":"SingleStream","minDurationMs":12000,"minQueryCount":1,"maxDurationMs":12000,
                     "queryTimeoutMs":2000,"earlyStopping":false},
         "timeline":[
           {"atMs":0,"action":"interference","device":"phone-a1","params":{"cpuLevel":0}},
           {"atMs":0,"action":"network","device":"phone-a1","params":{"link":"cloud-a1","technology":"wifi","rssiDbm":-55}},
           {"atMs":4000,"action":"network","device":"phone-a1","params":{"link":"cloud-a1","rssiDbm":-90}},
           {"atMs":8000,"action":"network","device":"phone-a1","params":{"link":"cloud-a1","rssiDbm":-55}}],
         "qos":{"latencyMs":150}}""";
    Answer a = rest.post("/api/v1/experiments", spec, null);
    assertThat(a.status()).as(a.raw()).isEqualTo(202);
    String runId = a.json().path("runId").asText();
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> {
      String s = rest.get("/api/v1/experiments/" + runId).json().path("status").asText();
      return s.equals("completed") || s.equals("failed") || s.equals("cancelled");
    });
    JsonNode run = rest.get("/api/v1/experiments/" + runId).json();
    assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("completed");
    Path bundle = Path.of(run.path("bundle").asText());

    // AutoScale's decisions by commanded condition: away from the cloud when weak, back on it when strong again
    List<String[]> rows = new ArrayList<>();
    List<String> csv = Files.readAllLines(bundle.resolve("autoscale-decisions.csv"));
    assertThat(csv.get(0)).startsWith("policy,repetition,index,condition,action,oracleAction");
    for (String line : csv.subList(1, csv.size())) rows.add(line.split(","));
    List<String[]> as = rows.stream().filter(r -> r[0].equals("autoscale")).toList();
    System.out.println("AutoScale decisions (condition action latencyMs): " + as.stream()
        .map(r -> r[3].replaceAll(".*rssi\\[cloud-a1\\]=", "") + " " + r[4] + " " + r[6]).toList());
    assertThat(as).hasSizeGreaterThan(50);
    List<String[]> weak = as.stream().filter(r -> r[3].contains("rssi[cloud-a1]=-90")).toList();
    int firstWeak = as.indexOf(weak.get(0));
    int lastWeak = as.indexOf(weak.get(weak.size() - 1));
    List<String[]> weakLearned = weak.subList(weak.size() / 2, weak.size());
    List<String[]> strongAgain = as.subList(lastWeak + 1, as.size());
    List<String[]> strongBefore = as.subList(firstWeak / 2, firstWeak);
    assertThat(cloudShare(strongBefore)).as("cloud share before the drop").isGreaterThan(0.6);
    assertThat(cloudShare(weakLearned)).as("cloud share while weak (learned half)").isLessThan(0.3);
    assertThat(cloudShare(strongAgain.subList(strongAgain.size() / 2, strongAgain.size())))
        .as("cloud share after recovery").isGreaterThan(0.6);
    // the oracle follows the profile: cloud when strong, local when weak
    assertThat(rows.stream().filter(r -> r[0].equals("oracle") && r[3].contains("=-90")).allMatch(r -> !r[4].startsWith("cloud:")))
        .isTrue();

    // the report and its plots
    String report = Files.readString(bundle.resolve("autoscale-report.txt"));
    assertThat(report).contains("cpu-only", "cloud-only", "autoscale", "oracle", "AutoScale vs CPU-only", "AutoScale vs cloud-only",
        "share of the oracle");
    JsonNode rep = JSON.readTree(Files.readString(bundle.resolve("autoscale-report.json")));
    assertThat(rep.path("policies").findValuesAsText("policy")).containsExactly("cpu-only", "cloud-only", "autoscale", "oracle");
    JsonNode asRow = rep.path("policies").get(2);
    JsonNode cpuRow = rep.path("policies").get(0);
    assertThat(asRow.path("inferencesPerJoule").asDouble()).isGreaterThan(cpuRow.path("inferencesPerJoule").asDouble());
    assertThat(rep.path("profile").path("mobilenet").size()).isEqualTo(2);
    for (String png : List.of("plots/autoscale-energy.png", "plots/autoscale-decisions.png")) {
      BufferedImage img = ImageIO.read(bundle.resolve(png).toFile());
      assertThat(img.getWidth()).as(png).isEqualTo(900);
    }
    assertThat(bundle.resolve("policies/cloud-only/queries.csv")).exists();
    assertThat(Files.readString(bundle.resolve("injections.json"))).contains("\"rssiDbm\" : -90.0");

    // decision points next to the injected network events
    await().atMost(Duration.ofSeconds(10)).until(() -> TimelineInjectionTest.lines("decision,", dataDir).stream()
        .filter(l -> l.contains("run=" + runId) && l.contains("policy=autoscale")).count() == as.size());
    assertThat(TimelineInjectionTest.lines("decision,", dataDir).stream().filter(l -> l.contains("policy=autoscale")))
        .allMatch(l -> l.contains("qValue=") && l.contains("reward=") && l.contains("energyJ=") && l.contains("state="));
    assertThat(TimelineInjectionTest.lines("experiment_event,", dataDir).stream()
        .filter(l -> l.contains("run=" + runId) && l.contains("kind=network"))).hasSizeGreaterThanOrEqualTo(4 * 3);

    // Issue 8: the run's series, imported into a real influxd, fill every panel of the AutoScale Grafana dashboard.
    try (io.testbed.testsupport.Influxd influx = io.testbed.testsupport.Influxd.start()) {
      List<String> lines = new java.util.ArrayList<>();
      try (var files = Files.list(dataDir)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".lp")).toList()) lines.addAll(Files.readAllLines(f));
      }
      influx.write("testbed", lines.stream().filter(l -> !l.isBlank()).toList());
      assertThat(io.testbed.testsupport.GrafanaDashboards.problems(influx, "testbed", io.testbed.testsupport.GrafanaDashboards.queries(
          io.testbed.testsupport.GrafanaDashboards.dir().resolve("autoscale.json"), Map.of("run", runId, "device", "phone-a1")))).isEmpty();
    }

    // the Q-table survives the run: on disk and over REST
    assertThat(dataDir.resolve("qtables/phone-a1/mobilenet.json")).exists();
    Answer list = rest.get("/api/v1/autoscale/qtables");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().get(0).path("device").asText()).isEqualTo("phone-a1");
    Answer table = rest.get("/api/v1/autoscale/qtables/phone-a1/mobilenet");
    assertThat(table.status()).isEqualTo(200);
    assertThat(table.json().path("updates").asLong()).isEqualTo(as.size());
    assertThat(table.json().toString()).contains("cloud:cloud-a1", "rssi[cloud-a1]=weak");
    Answer missing = rest.get("/api/v1/autoscale/qtables/phone-a1/resnet");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.error()).contains("phone-a1", "resnet");
  }

  static double cloudShare(List<String[]> rows) {
    if (rows.isEmpty()) return Double.NaN;
    return rows.stream().filter(r -> r[4].startsWith("cloud:")).count() / (double) rows.size();
  }
}
