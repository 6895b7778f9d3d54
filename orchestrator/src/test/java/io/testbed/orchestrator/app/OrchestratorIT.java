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
import io.testbed.protocol.Topics;
import io.testbed.testsupport.Influxd;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The orchestrator against a real Mosquitto process (external broker mode) and a real influxd; test-side Paho clients
 * play the devices.
 */
@ExtendWith(RealServers.class)
class OrchestratorIT {
  static final String DB = "testbed_it";
  static final ObjectMapper JSON = new ObjectMapper();
  static RunningOrchestrator orchestrator;
  static RestClient rest;
  static Influxd influx;
  static Mosquitto broker;

  @BeforeAll
  static void start(Mosquitto mosquitto, Influxd influxd) {
    influx = influxd;
    broker = mosquitto;
    orchestrator = TestOrchestrators.onRealServers(mosquitto.url(), "orchestrator-it", influxd.url(), DB, Map.of("testbed.orchestrator.influx.batch-size", "50"));
    rest = new RestClient(orchestrator.restUrl());
  }

  @AfterAll
  static void stop() throws Exception {
    if (orchestrator != null) orchestrator.stop().toCompletableFuture().get();
  }

  static String job(String deviceId, String model, int count) {
    return "{\"deviceId\":\"" + deviceId + "\",\"model\":\"" + model + "\",\"target\":\"cpu\",\"count\":" + count + "}";
  }

  static String status(String deviceId) throws Exception {
    return rest.get("/api/v1/devices/" + deviceId).json().path("status").asText();
  }

  static JsonNode awaitJob(String jobId) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !rest.get("/api/v1/jobs/" + jobId).json().path("status").asText()
        .equals("running"));
    try {
      return rest.get("/api/v1/jobs/" + jobId).json();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Number of points of a measurement matching a WHERE clause (polls: batches land asynchronously). */
  static long count(String measurement, String field, String where) throws Exception {
    JsonNode r = JSON.readTree(influx.query(DB, "SELECT count(\"" + field + "\") FROM \"" + measurement + "\" WHERE " + where));
    JsonNode values = r.path("results").path(0).path("series").path(0).path("values");
    return values.isMissingNode() || values.isEmpty() ? 0 : values.path(0).path(1).asLong();
  }

  @Test
  void usesTheExternalBrokerAndInfluxDb() throws Exception {
    Answer health = rest.get("/api/v1/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("broker").path("embedded").asBoolean()).isFalse();
    assertThat(health.json().path("broker").path("url").asText()).isEqualTo(broker.url());
    assertThat(health.json().path("broker").path("connected").asBoolean()).isTrue();
    assertThat(health.json().path("timeseries").path("kind").asText()).isEqualTo("influxdb");
    assertThat(health.json().path("timeseries").path("url").asText()).isEqualTo(influx.url());
    assertThat(orchestrator.timeseriesDescription()).startsWith("influxdb at " + influx.url());
  }

  @Test
  void deviceComesOnlineRunsAJobAndItsPointsLandInInfluxWithTags() throws Exception {
    try (FakeDevice phone = FakeDevice.start(broker.url(), Fixtures.phoneHello("phone-it"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> status("phone-it").equals("online"));
      Answer accepted = rest.post("/api/v1/jobs", job("phone-it", "mobilenet", 4), null);
      assertThat(accepted.status()).isEqualTo(202);
      String jobId = accepted.json().path("jobId").asText();
      JsonNode j = awaitJob(jobId);
      assertThat(j.path("status").asText()).isEqualTo("completed");
      assertThat(j.path("summary").path("ok").asInt()).isEqualTo(4);

      await().atMost(Duration.ofSeconds(15)).until(() -> count("inference", "latencyMs",
          "\"run\"='" + jobId + "' AND \"device\"='phone-it' AND \"model\"='mobilenet' AND \"target\"='cpu'"
              + " AND \"precision\"='fp32' AND \"outcome\"='ok' AND \"policy\"='fixed' AND \"executedOn\"='phone-it'"
              + " AND \"source\"='modelled'") == 4);
      await().atMost(Duration.ofSeconds(15)).until(() ->
          count("heartbeat", "cpuUtilisation", "\"device\"='phone-it' AND \"kind\"='phone'") > 0);
      await().atMost(Duration.ofSeconds(15)).until(() ->
          count("device_state", "online", "\"device\"='phone-it' AND \"kind\"='phone'") > 0);
      // timestamps are the devices' own, in ns
      JsonNode r = JSON.readTree(influx.query(DB, "SELECT \"latencyMs\" FROM \"inference\" WHERE \"run\"='" + jobId + "'"));
      long firstNs = r.path("results").path(0).path("series").path(0).path("values").path(0).path(0).asLong();
      long resultNs = j.path("results").path(0).path("timestampNs").asLong();
      assertThat(firstNs).isEqualTo(resultNs);
    }
  }

  @Test
  void garbageIsCountedDroppedAndTheDeviceStillWorks() throws Exception {
    try (FakeDevice phone = FakeDevice.start(broker.url(), Fixtures.phoneHello("phone-garbage-it"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> status("phone-garbage-it").equals("online"));
      phone.publishRaw(Topics.heartbeat("phone-garbage-it"), new byte[] {(byte) 0xde, (byte) 0xad, 0, 1, '{'}, false);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> rest.get("/api/v1/devices/phone-garbage-it").json().path("malformedMessages").asInt() == 1);
      assertThat(status("phone-garbage-it")).isEqualTo("online");
      await().atMost(Duration.ofSeconds(15)).until(() ->
          count("malformed", "count", "\"device\"='phone-garbage-it' AND \"reasonClass\"='not-json'") == 1);
      Answer accepted = rest.post("/api/v1/jobs", job("phone-garbage-it", "mobilenet", 2), null);
      assertThat(accepted.status()).isEqualTo(202);
      assertThat(awaitJob(accepted.json().path("jobId").asText()).path("summary").path("ok").asInt()).isEqualTo(2);
    }
  }

  @Test
  void deviceErrorRepliesBecomeRejectedResults() throws Exception {
    try (FakeDevice phone = FakeDevice.start(broker.url(), Fixtures.phoneHelloWithBrokenModel("phone-broken-it"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> status("phone-broken-it").equals("online"));
      Answer accepted = rest.post("/api/v1/jobs", job("phone-broken-it", "broken", 2), null);
      assertThat(accepted.status()).isEqualTo(202);
      JsonNode j = awaitJob(accepted.json().path("jobId").asText());
      assertThat(j.path("status").asText()).isEqualTo("completed");
      assertThat(j.path("failed").asInt()).isEqualTo(2);
      assertThat(j.path("results").findValuesAsText("outcome")).containsOnly("rejected");
      assertThat(j.path("results").findValuesAsText("error")).containsOnly("model-failed: model 'broken' cannot load");
    }
  }

  @Test
  void lastWillAndMissedHeartbeatsMarkDevicesOffline() throws Exception {
    FakeDevice crashing = FakeDevice.start(broker.url(), Fixtures.phoneHello("phone-crash-it"));
    await().atMost(Duration.ofSeconds(10)).until(() -> status("phone-crash-it").equals("online"));
    crashing.crash();
    await().atMost(Duration.ofSeconds(10)).until(() -> status("phone-crash-it").equals("offline"));
    assertThat(rest.post("/api/v1/jobs", job("phone-crash-it", "mobilenet", 1), null).status()).isEqualTo(409);

    try (FakeDevice silent = FakeDevice.start(broker.url(), Fixtures.phoneHello("phone-silent-it"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> status("phone-silent-it").equals("online"));
      silent.stopHeartbeats(); // still connected, so no last will: only the missed heartbeats tell
      await().atMost(Duration.ofSeconds(10)).until(() -> status("phone-silent-it").equals("offline"));
    }
  }
}
