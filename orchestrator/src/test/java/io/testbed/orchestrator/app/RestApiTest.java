package io.testbed.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.orchestrator.FakeDevice;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.RestClient;
import io.testbed.orchestrator.TestOrchestrators;
import io.testbed.orchestrator.RestClient.Answer;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST API through the real bound server, with the embedded Moquette broker and test-side devices speaking real
 * MQTT; no InfluxDB configured, so time series go to line-protocol files.
 */
class RestApiTest {
  static final String TOKEN = "s3cret";
  @TempDir static Path dataDir;
  static RunningOrchestrator orchestrator;
  static RestClient rest;
  static FakeDevice phone;
  static FakeDevice cloud;

  @BeforeAll
  static void start() throws Exception {
    orchestrator = TestOrchestrators.embedded(dataDir, Map.of(
        "testbed.orchestrator.api-token", TOKEN,
        "testbed.orchestrator.line-protocol.flush-interval", "200ms"));
    rest = new RestClient(orchestrator.restUrl());
    phone = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.phoneHello("phone-1"));
    cloud = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.cloudHello("cloud-1", "http://127.0.0.1:9999/infer"));
    TestOrchestrators.awaitOnline(rest, 2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (phone != null) phone.close();
    if (cloud != null) cloud.close();
    if (orchestrator != null) orchestrator.stop().toCompletableFuture().get();
  }

  static String job(String deviceId, String model, String target, int count) {
    return "{\"deviceId\":\"" + deviceId + "\",\"model\":\"" + model + "\",\"target\":\"" + target + "\",\"count\":" + count + "}";
  }

  @Test
  void healthSaysWhichBrokerAndTimeseries() throws Exception {
    Answer a = rest.get("/api/v1/health");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.json().path("status").asText()).isEqualTo("ok");
    assertThat(a.json().path("broker").path("embedded").asBoolean()).isTrue();
    assertThat(a.json().path("broker").path("url").asText()).isEqualTo(orchestrator.brokerUrl()).startsWith("tcp://127.0.0.1:");
    assertThat(a.json().path("timeseries").path("kind").asText()).isEqualTo("line-protocol-files");
    assertThat(a.json().path("timeseries").path("path").asText()).startsWith(dataDir.toAbsolutePath().toString())
        .endsWith(".lp");
    assertThat(a.json().path("devices").path("total").asInt()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void listsAndInspectsDevices() throws Exception {
    Answer list = rest.get("/api/v1/devices");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().findValuesAsText("id")).contains("phone-1", "cloud-1");
    Answer one = rest.get("/api/v1/devices/phone-1");
    assertThat(one.status()).isEqualTo(200);
    JsonNode d = one.json();
    assertThat(d.path("id").asText()).isEqualTo("phone-1");
    assertThat(d.path("kind").asText()).isEqualTo("phone");
    assertThat(d.path("profile").asText()).isEqualTo("phone");
    assertThat(d.path("status").asText()).isEqualTo("online");
    assertThat(d.path("emulated").asBoolean()).isTrue();
    assertThat(d.path("targets").findValuesAsText("id")).containsExactly("cpu", "dsp");
    assertThat(d.path("models").findValuesAsText("name")).containsExactly("mobilenet");
    assertThat(d.path("software").path("agent").asText()).isEqualTo("0.1.0");
    assertThat(d.path("notes").get(0).asText()).isEqualTo("emulated");
    assertThat(d.path("lastHeartbeat").path("cpuUtilisation").asDouble()).isEqualTo(0.25);
    assertThat(d.path("lastSeenNs").asLong()).isPositive();
    assertThat(d.has("malformedMessages")).isTrue();
    assertThat(rest.get("/api/v1/devices/cloud-1").json().path("endpoint").asText()).isEqualTo("http://127.0.0.1:9999/infer");

    Answer missing = rest.get("/api/v1/devices/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.error()).isEqualTo("unknown device 'nope'");
  }

  @Test
  void mutatingRoutesNeedTheToken() throws Exception {
    Answer none = rest.post("/api/v1/jobs", job("phone-1", "mobilenet", "cpu", 1), null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.error()).contains("Authorization");
    Answer wrong = rest.post("/api/v1/jobs", job("phone-1", "mobilenet", "cpu", 1), "guess");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.error()).contains("wrong bearer token");
    assertThat(rest.get("/api/v1/jobs").status()).isEqualTo(200); // GETs stay open
  }

  @Test
  void invalidBodiesGet400NamingTheField() throws Exception {
    assertBadRequest("not json at all", "not valid JSON");
    assertBadRequest("[1,2]", "JSON object");
    assertBadRequest("{\"model\":\"mobilenet\",\"target\":\"cpu\",\"count\":1}", "deviceId is required");
    assertBadRequest(job("phone-1", "mobilenet", "cpu", 0), "count must be an integer in 1..10000");
    assertBadRequest(job("phone-1", "mobilenet", "cpu", 10001), "count must be an integer in 1..10000");
    assertBadRequest("{\"deviceId\":\"phone-1\",\"model\":\"mobilenet\",\"target\":\"cpu\",\"count\":\"3\"}", "count");
    assertBadRequest(job("phone-1", "mobilenet", "offload", 1), "offloadTo is required");
    assertBadRequest("{\"deviceId\":\"phone 1\",\"model\":\"mobilenet\",\"target\":\"cpu\",\"count\":1}", "deviceId");
    assertBadRequest("{\"deviceId\":\"phone-1\",\"model\":\"mobilenet\",\"target\":\"cpu\",\"count\":1,\"precision\":\"fp64\"}",
        "precision");
    assertBadRequest("{\"deviceId\":\"phone-1\",\"model\":\"mobilenet\",\"target\":\"cpu\",\"count\":1,\"cuont\":1}",
        "unknown field 'cuont'");
  }

  private void assertBadRequest(String body, String expected) throws Exception {
    Answer a = rest.post("/api/v1/jobs", body, TOKEN);
    assertThat(a.status()).as(body).isEqualTo(400);
    assertThat(a.error()).as(body).contains(expected);
  }

  @Test
  void capabilityAndLivenessProblemsGet404_409_422() throws Exception {
    Answer unknownDevice = rest.post("/api/v1/jobs", job("ghost", "mobilenet", "cpu", 1), TOKEN);
    assertThat(unknownDevice.status()).isEqualTo(404);
    assertThat(unknownDevice.error()).isEqualTo("unknown device 'ghost'");

    Answer unknownModel = rest.post("/api/v1/jobs", job("phone-1", "resnet", "cpu", 1), TOKEN);
    assertThat(unknownModel.status()).isEqualTo(422);
    assertThat(unknownModel.error()).contains("unknown model 'resnet'");

    Answer unknownTarget = rest.post("/api/v1/jobs", job("phone-1", "mobilenet", "npu", 1), TOKEN);
    assertThat(unknownTarget.status()).isEqualTo(422);
    assertThat(unknownTarget.error()).contains("unknown target 'npu'");

    Answer unknownPeer = rest.post("/api/v1/jobs",
        "{\"deviceId\":\"phone-1\",\"model\":\"mobilenet\",\"target\":\"offload\",\"offloadTo\":\"cloud-9\",\"count\":1}", TOKEN);
    assertThat(unknownPeer.status()).isEqualTo(422);
    assertThat(unknownPeer.error()).contains("cloud-9");

    try (FakeDevice gone = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.phoneHello("phone-gone"))) {
      await().until(() -> rest.get("/api/v1/devices/phone-gone").json().path("status").asText().equals("online"));
      gone.crash();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> rest.get("/api/v1/devices/phone-gone").json().path("status").asText().equals("offline"));
    }
    Answer offline = rest.post("/api/v1/jobs", job("phone-gone", "mobilenet", "cpu", 1), TOKEN);
    assertThat(offline.status()).isEqualTo(409);
    assertThat(offline.error()).isEqualTo("device 'phone-gone' is offline");
  }

  @Test
  void jobRunsToCompletionWithSummaryAndTimeSeries() throws Exception {
    Answer accepted = rest.post("/api/v1/jobs", job("phone-1", "mobilenet", "cpu", 5), TOKEN);
    assertThat(accepted.status()).isEqualTo(202);
    String jobId = accepted.json().path("jobId").asText();
    assertThat(jobId).startsWith("job-");
    assertThat(accepted.json().path("status").asText()).isEqualTo("running");
    assertThat(accepted.location()).contains("/api/v1/jobs/" + jobId);

    await().atMost(Duration.ofSeconds(15))
        .until(() -> rest.get("/api/v1/jobs/" + jobId).json().path("status").asText().equals("completed"));
    JsonNode j = rest.get("/api/v1/jobs/" + jobId).json();
    assertThat(j.path("done").asInt()).isEqualTo(5);
    assertThat(j.path("failed").asInt()).isZero();
    assertThat(j.path("total").asInt()).isEqualTo(5);
    assertThat(j.path("request").path("precision").asText()).isEqualTo("fp32");
    assertThat(j.path("results")).hasSize(5);
    assertThat(j.path("results").get(0).path("type").asText()).isEqualTo("inference-result");
    assertThat(j.path("results").findValuesAsText("outcome")).containsOnly("ok");
    JsonNode summary = j.path("summary");
    assertThat(summary.path("ok").asInt()).isEqualTo(5);
    assertThat(summary.path("latencyMs").path("p50").asDouble()).isBetween(2.0, 7.0);
    assertThat(summary.path("latencyMs").path("max").asDouble()).isGreaterThanOrEqualTo(summary.path("latencyMs").path("p50").asDouble());
    assertThat(summary.path("energyJTotal").asDouble()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(summary.path("energySource").asText()).isEqualTo("modelled");
    // the device saw 5 commands with seeds 0..4
    assertThat(phone.commands.stream().filter(c -> c.correlationId() != null).map(InferenceCommand::inputSeed))
        .contains(0L, 1L, 2L, 3L, 4L);
    assertThat(rest.get("/api/v1/jobs").json().findValuesAsText("jobId")).contains(jobId);

    // the points reach the line-protocol file, tagged with the job as run
    Path file = Path.of(orchestrator.timeseries().path());
    await().atMost(Duration.ofSeconds(10)).until(() ->
        Files.readAllLines(file).stream().filter(l -> l.startsWith("inference,") && l.contains("run=" + jobId)).count() == 5);
    assertThat(Files.readAllLines(file).get(0)).isEqualTo("# DML");
    assertThat(Files.readString(file)).contains("heartbeat,device=phone-1");
  }

  @Test
  void offloadJobCarriesThePeersEndpoint() throws Exception {
    Answer accepted = rest.post("/api/v1/jobs",
        "{\"deviceId\":\"phone-1\",\"model\":\"mobilenet\",\"target\":\"offload\",\"offloadTo\":\"cloud-1\",\"count\":2}", TOKEN);
    assertThat(accepted.status()).isEqualTo(202);
    String jobId = accepted.json().path("jobId").asText();
    await().atMost(Duration.ofSeconds(15))
        .until(() -> rest.get("/api/v1/jobs/" + jobId).json().path("status").asText().equals("completed"));
    assertThat(phone.commands).anySatisfy(c -> {
      assertThat(c.target()).isEqualTo("offload");
      assertThat(c.offloadDeviceId()).isEqualTo("cloud-1");
      assertThat(c.offloadUrl()).isEqualTo("http://127.0.0.1:9999/infer");
    });
    JsonNode results = rest.get("/api/v1/jobs/" + jobId).json().path("results");
    assertThat(results.findValuesAsText("executedOn")).containsOnly("cloud-1");
  }

  @Test
  void garbageIsCountedAndTheDeviceKeepsWorking() throws Exception {
    try (FakeDevice sensor = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.phoneHello("phone-garbage"))) {
      await().until(() -> rest.get("/api/v1/devices/phone-garbage").json().path("status").asText().equals("online"));
      sensor.publishRaw(Topics.heartbeat("phone-garbage"), "\u0000garbage{{".getBytes(StandardCharsets.ISO_8859_1), false);
      await().atMost(Duration.ofSeconds(5))
          .until(() -> rest.get("/api/v1/devices/phone-garbage").json().path("malformedMessages").asInt() == 1);
      Answer accepted = rest.post("/api/v1/jobs", job("phone-garbage", "mobilenet", "cpu", 1), TOKEN);
      assertThat(accepted.status()).isEqualTo(202);
      String jobId = accepted.json().path("jobId").asText();
      await().atMost(Duration.ofSeconds(15))
          .until(() -> rest.get("/api/v1/jobs/" + jobId).json().path("status").asText().equals("completed"));
      assertThat(rest.get("/api/v1/jobs/" + jobId).json().path("summary").path("ok").asInt()).isEqualTo(1);
    }
  }

  @Test
  void aJobFailsWhenItsDeviceGoesOfflineMidway() throws Exception {
    FakeDevice silent = FakeDevice.start(orchestrator.brokerUrl(), Fixtures.phoneHelloWithExtraModel("phone-silent", "silent"));
    await().until(() -> rest.get("/api/v1/devices/phone-silent").json().path("status").asText().equals("online"));
    Answer accepted = rest.post("/api/v1/jobs", job("phone-silent", "silent", "cpu", 3), TOKEN);
    assertThat(accepted.status()).isEqualTo(202);
    String jobId = accepted.json().path("jobId").asText();
    await().until(() -> !silent.commands.isEmpty());
    silent.crash();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> rest.get("/api/v1/jobs/" + jobId).json().path("status").asText().equals("failed"));
    JsonNode j = rest.get("/api/v1/jobs/" + jobId).json();
    assertThat(j.path("error").asText()).isEqualTo("device 'phone-silent' went offline during inference 1 of 3");
    assertThat(j.path("done").asInt()).isEqualTo(1);
    assertThat(j.path("failed").asInt()).isEqualTo(1);
    assertThat(j.path("results").get(0).path("outcome").asText()).isEqualTo("failed");
    assertThat(j.path("results").get(0).path("error").asText()).startsWith("device-offline");
    assertThat(rest.get("/api/v1/devices/phone-silent").json().path("run").asText()).isEqualTo("none");
  }

  @Test
  void unknownRoutesAndJobsGetJsonErrors() throws Exception {
    Answer noJob = rest.get("/api/v1/jobs/job-nope");
    assertThat(noJob.status()).isEqualTo(404);
    assertThat(noJob.error()).isEqualTo("unknown job 'job-nope'");
    Answer noRoute = rest.get("/api/v1/nothing-here");
    assertThat(noRoute.status()).isEqualTo(404);
    assertThat(noRoute.error()).isNotBlank();
    Answer method = rest.delete("/api/v1/devices");
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.error()).isNotBlank();
  }
}
