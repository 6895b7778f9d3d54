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
import io.testbed.protocol.SetInterference;
import io.testbed.protocol.SetNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timeline injector through the real server, the embedded broker and a test-side phone answering ControlAcks:
 * interference and network actions (a steps schedule included) reach the device as SetInterference/SetNetwork, each
 * applied change lands in the bundle's injections.json with the settings the device acknowledged and as an
 * experiment_event point (kind interference/network); a change the device refuses is the event's error; out-of-range
 * values are refused at submission (400 naming the allowed range).
 */
class TimelineInjectionTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dataDir;
  static RunningOrchestrator orchestrator;
  static RestClient rest;
  static AutoScalePhone phone;
  static FakeDevice cloud;

  @BeforeAll
  static void start() throws Exception {
    orchestrator = TestOrchestrators.embedded(dataDir, Map.of(
        "testbed.orchestrator.experiments.progress-interval", "100ms",
        "testbed.orchestrator.line-protocol.flush-interval", "200ms"));
    rest = new RestClient(orchestrator.restUrl());
    phone = AutoScalePhone.start(orchestrator.brokerUrl(), "phone-i1", List.of("cloud-i1"));
    cloud = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.cloudHello("cloud-i1", "http://127.0.0.1:9/infer"));
    TestOrchestrators.awaitOnline(rest, 2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (phone != null) phone.close();
    if (cloud != null) cloud.close();
    if (orchestrator != null) orchestrator.stop().toCompletableFuture().get();
  }

  @Test
  void interferenceAndNetworkActionsAreAppliedAndRecorded() throws Exception {
    String spec = """
        {"name":"inject","type":"inference","devices":[{"id":"phone-i1"}],"models":["mobilenet"],
         "policy":{"kind":"fixed","target":"cpu"},
         "scenario":{"kind":"SingleStream","minDurationMs":1500,"minQueryCount":10,"queryTimeoutMs":5000,"earlyStopping":false},
         "timeline":[
           {"atMs":0,"action":"interference","device":"phone-i1","params":{"cpuLevel":0.5,"memoryLevel":0.25}},
           {"atMs":100,"action":"network","device":"phone-i1","params":{"link":"cloud-i1","technology":"wifi","schedule":
             {"kind":"steps","steps":[{"afterMs":0,"rssiDbm":-90},{"afterMs":400,"rssiDbm":-55}]}}},
           {"atMs":200,"action":"network","device":"phone-i1","params":{"link":"cloud-i1","delayMs":6000}},
           {"atMs":300,"action":"marker","device":"phone-i1"}]}""";
    Answer a = rest.post("/api/v1/experiments", spec, null);
    assertThat(a.status()).as(a.raw()).isEqualTo(202);
    String runId = a.json().path("runId").asText();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> rest.get("/api/v1/experiments/" + runId).json().path("status").asText().equals("completed"));
    Path bundle = Path.of(rest.get("/api/v1/experiments/" + runId).json().path("bundle").asText());

    // the device saw the commands, in order
    assertThat(phone.controls).hasSize(4);
    assertThat(phone.controls.get(0)).isInstanceOfSatisfying(SetInterference.class, s -> {
      assertThat(s.cpuLevel()).isEqualTo(0.5);
      assertThat(s.memoryLevel()).isEqualTo(0.25);
    });
    assertThat(phone.controls.get(1)).isInstanceOfSatisfying(SetNetwork.class, n -> {
      assertThat(n.link()).isEqualTo("cloud-i1");
      assertThat(n.technology()).isEqualTo("wifi");
      assertThat(n.rssiDbm()).isEqualTo(-90.0);
    });
    assertThat(phone.controls.stream().filter(m -> m instanceof SetNetwork n && n.rssiDbm() != null && n.rssiDbm() == -55.0))
        .hasSize(1);

    // injections.json: every command with the device's applied settings, the refusal with its reason
    JsonNode inj = JSON.readTree(Files.readString(bundle.resolve("injections.json")));
    assertThat(inj).hasSize(4);
    assertThat(inj.get(0).path("kind").asText()).isEqualTo("interference");
    assertThat(inj.get(0).path("applied").asBoolean()).isTrue();
    assertThat(inj.get(0).path("settings").path("cpuThreads").asInt()).isEqualTo(1);
    assertThat(inj.get(1).path("settings").path("rateMbps").asDouble()).isEqualTo(4.2);
    JsonNode refused = inj.get(2);
    assertThat(refused.path("applied").asBoolean()).isFalse();
    assertThat(refused.path("error").asText()).isEqualTo("delayMs 6000 is out of range: allowed [0, 5000] ms");
    assertThat(inj.get(3).path("settings").path("rssiDbm").asDouble()).isEqualTo(-55.0);

    // events.json: the refused change and the action without injector carry errors; the others none
    JsonNode events = JSON.readTree(Files.readString(bundle.resolve("events.json")));
    String text = events.toString();
    assertThat(text).contains("network not applied on phone-i1: delayMs 6000 is out of range: allowed [0, 5000] ms");
    assertThat(text).contains("no injector for timeline action 'marker'");

    // experiment_event points of kind interference/network in the time series
    await().atMost(Duration.ofSeconds(10)).until(() -> lines("experiment_event,").stream()
        .filter(l -> l.contains("run=" + runId) && (l.contains("kind=network") || l.contains("kind=interference"))).count() == 4);
    assertThat(lines("experiment_event,").stream().filter(l -> l.contains("run=" + runId) && l.contains("kind=interference")))
        .singleElement().satisfies(l -> assertThat(l).contains("cpuLevel=0.5").contains("value=1i"));
  }

  @Test
  void outOfRangeInjectionsAreRefusedNamingTheRange() throws Exception {
    String spec = """
        {"name":"bad","type":"inference","devices":[{"id":"phone-i1"}],"models":["mobilenet"],
         "policy":{"kind":"fixed","target":"cpu"},"scenario":{"kind":"SingleStream"},
         "timeline":[{"atMs":0,"action":"interference","device":"phone-i1","params":{"cpuLevel":2}},
                     {"atMs":0,"action":"network","device":"phone-i1","params":{"rssiDbm":-130,"lossPct":75}}]}""";
    Answer a = rest.post("/api/v1/experiments", spec, null);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().path("problems").toString())
        .contains("timeline[0].params.cpuLevel", "2 is out of range: allowed [0, 1]")
        .contains("timeline[1].params.rssiDbm", "-130 is out of range: allowed [-120, 0] dBm")
        .contains("timeline[1].params.lossPct", "75 is out of range: allowed [0, 50] %");
  }

  static List<String> lines(String prefix) throws Exception {
    return lines(prefix, dataDir);
  }

  /** The line-protocol lines under {@code dir} starting with {@code prefix} (the time series without InfluxDB). */
  static List<String> lines(String prefix, Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".lp")).flatMap(p -> {
        try {
          return Files.readAllLines(p).stream();
        } catch (java.io.IOException e) {
          return Stream.empty();
        }
      }).filter(l -> l.startsWith(prefix)).toList();
    }
  }
}
