package io.testbed.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.RestClient;
import io.testbed.power.app.PowerBridge;
import io.testbed.protocol.ClockEcho;
import io.testbed.protocol.ClockProbe;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import io.testbed.testsupport.Influxd;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measured power end to end through a real Mosquitto and a real influxd: an in-process power bridge with a fixture
 * hwmon meter (2.0 W, 1 kHz) bound to a test-side device that answers clock probes and inference commands; the
 * orchestrator syncs both clocks, runs a job and attaches the meter's energy, with its uncertainty, to every result.
 */
@ExtendWith(RealServers.class)
class PowerIT {
  static final String DB = "testbed_power_it";
  static final String TOKEN = "power-token";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void aBoundMeterGivesPerInferenceEnergyWithUncertaintyInRestAndInflux(Mosquitto broker, Influxd influx) throws Exception {
    Path hwmon = dir.resolve("hwmon0");
    Files.createDirectories(hwmon);
    Files.writeString(hwmon.resolve("power1_input"), "2000000\n");   // uW: 2.0 W
    RunningOrchestrator o = Orchestrator.start(ConfigFactory.parseMap(Map.of(
        "testbed.orchestrator.http.port", 0,
        "testbed.orchestrator.api-token", TOKEN,
        "testbed.orchestrator.mqtt.url", broker.url(),
        "testbed.orchestrator.mqtt.client-id", "orchestrator-power-it",
        "testbed.orchestrator.influx.url", influx.url(),
        "testbed.orchestrator.influx.database", DB,
        "testbed.orchestrator.influx.flush-interval", "200ms",
        "testbed.orchestrator.power-meters.probe-interval", "1s")));
    RestClient rest = new RestClient(o.restUrl());
    String hocon = """
        testbed.power-bridge {
          broker = "%s"
          client-id = "power-bridge-power-it"
          batch-interval = 50ms
          meters = [ { id = "phone-p-ina", type = hwmon, device = "phone-p", rate-hz = 1000, path = "%s", channel = 1 } ]
        }
        """.formatted(broker.url(), hwmon.toString().replace("\\", "/"));
    try (ProbedDevice phone = ProbedDevice.start(broker.url(), Fixtures.phoneHello("phone-p"));
        PowerBridge bridge = PowerBridge.start(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve())) {
      // the meter shows up, bound to the device its batches name; both clocks get an estimate
      await().atMost(Duration.ofSeconds(20)).until(() -> rest.get("/api/v1/meters").json().size() == 1);
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        JsonNode clocks = rest.get("/api/v1/clocks").json();
        long synced = 0;
        for (JsonNode c : clocks) if (c.path("uncertaintyNs").isNumber()) synced++;
        return synced == 2;
      });
      JsonNode meter = rest.get("/api/v1/meters/phone-p-ina").json();
      assertThat(meter.path("boundDevice").asText()).isEqualTo("phone-p");
      assertThat(meter.path("binding").asText()).isEqualTo("batch");
      assertThat(meter.path("source").asText()).isEqualTo("metered");
      assertThat(meter.path("sampleRateHz").asDouble()).isEqualTo(1000.0);
      assertThat(meter.path("lastSample").path("powerW").asDouble()).isEqualTo(2.0);
      assertThat(meter.path("samplesReceived").asLong()).isPositive();
      assertThat(meter.path("dropped").asLong()).isZero();
      assertThat(meter.path("clock").path("uncertaintyNs").isNumber()).isTrue();

      // a job of three inferences (~150 ms each on the device)
      RestClient.Answer job = rest.post("/api/v1/jobs",
          "{\"deviceId\":\"phone-p\",\"model\":\"mobilenet\",\"target\":\"cpu\",\"count\":3}", TOKEN);
      assertThat(job.status()).isEqualTo(202);
      String jobId = job.json().path("jobId").asText();
      await().atMost(Duration.ofSeconds(20)).until(() -> rest.get("/api/v1/meters/phone-p-ina/energy").json().size() == 3);
      JsonNode energies = rest.get("/api/v1/meters/phone-p-ina/energy").json();
      // bridge, device and orchestrator share this host's clock: the true offsets are ~0 and lie within the uncertainty
      JsonNode clocks = rest.get("/api/v1/clocks").json();
      System.out.println("PowerIT clocks: " + clocks);
      for (JsonNode c : clocks) {
        assertThat(Math.abs(c.path("offsetNs").asDouble())).as(c.toString()).isLessThanOrEqualTo(c.path("uncertaintyNs").asDouble() + 1_000);
      }
      for (JsonNode e : energies) {
        assertThat(e.path("energyMethod").asText()).as(e.toString()).isEqualTo("integrated");
        assertThat(e.path("energySource").asText()).isEqualTo("metered");
        assertThat(e.path("run").asText()).isEqualTo(jobId);
        double seconds = (e.path("endNs").asLong() - e.path("startNs").asLong()) / 1e9;
        assertThat(seconds).isGreaterThan(0.1);
        // a constant 2.0 W: the energy is exactly 2.0 W x the corrected window
        assertThat(e.path("energyJ").asDouble()).isCloseTo(2.0 * seconds, within(1e-6));
        // alignment uncertainty x the power at both edges (no uncovered span: the note is empty)
        assertThat(e.path("note").asText()).isEmpty();
        assertThat(e.path("energyUncertaintyJ").asDouble()).isPositive()
            .isCloseTo(e.path("alignmentUncertaintyNs").asDouble() * 1e-9 * 4.0, within(1e-9));
        assertThat(e.path("deviceEnergyJ").asDouble()).isEqualTo(0.05);
        assertThat(e.path("samplesInWindow").asInt()).isGreaterThanOrEqualTo(10);
        System.out.printf("PowerIT alignment uncertainty: %.1f us (energy %.6f J +- %.6f J)%n",
            e.path("alignmentUncertaintyNs").asDouble() / 1e3, e.path("energyJ").asDouble(), e.path("energyUncertaintyJ").asDouble());
      }

      // the job's energies in one list
      JsonNode ofJob = rest.get("/api/v1/energy/" + jobId).json();
      assertThat(ofJob.size()).isEqualTo(3);
      assertThat(ofJob.get(0).path("run").asText()).isEqualTo(jobId);
      assertThat(rest.get("/api/v1/energy/no-such-run").json().size()).isZero();

      // the inference points carry the meter's energy beside the device's; clock points for both sources
      await().atMost(Duration.ofSeconds(15)).until(() -> count(influx, "inference", "energyUncertaintyJ",
          "\"run\"='" + jobId + "' AND \"meter\"='phone-p-ina' AND \"energyMethod\"='integrated' AND \"source\"='metered'") == 3);
      assertThat(count(influx, "inference", "deviceEnergyJ", "\"run\"='" + jobId + "'")).isEqualTo(3);
      await().atMost(Duration.ofSeconds(15)).until(() -> count(influx, "clock", "uncertaintyNs", "\"device\"='phone-p'") > 0
          && count(influx, "clock", "uncertaintyNs", "\"device\"='phone-p-ina'") > 0);

      // an experiment on the metered device: its bundle holds energy.csv, one row per query's inference
      RestClient.Answer run = rest.post("/api/v1/experiments", """
          {"name":"power-it","type":"inference","devices":[{"id":"phone-p"}],"models":["mobilenet"],
           "policy":{"kind":"fixed","target":"cpu"},
           "scenario":{"kind":"SingleStream","minDurationMs":100,"minQueryCount":4,"queryTimeoutMs":5000},
           "onDeviceLoss":"abort"}""", TOKEN);
      assertThat(run.status()).as(run.raw()).isEqualTo(202);
      String runId = run.json().path("runId").asText();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
          rest.get("/api/v1/experiments/" + runId).json().path("status").asText().matches("completed|failed|cancelled"));
      assertThat(rest.get("/api/v1/experiments/" + runId).json().path("status").asText()).isEqualTo("completed");
      RestClient.Raw csv = rest.raw("/api/v1/experiments/" + runId + "/files/energy.csv");
      assertThat(csv.status()).isEqualTo(200);
      String[] lines = new String(csv.body(), java.nio.charset.StandardCharsets.UTF_8).strip().split("\n");
      assertThat(lines[0]).startsWith("correlationId,deviceId,meterId,");
      int queries = rest.get("/api/v1/experiments/" + runId).json().path("queriesDone").asInt();
      assertThat(lines.length - 1).isGreaterThanOrEqualTo(4).isEqualTo(rest.get("/api/v1/energy/" + runId).json().size());
      assertThat(lines[1]).contains(",phone-p,phone-p-ina,mobilenet,cpu,").contains(",integrated,metered,");
      System.out.println("PowerIT experiment " + runId + ": " + queries + " queries, " + (lines.length - 1) + " energy rows");
      // ... and queries.csv and the query points carry each query's metered energy beside the device's own figure
      java.util.List<String> queryRows = Files.readAllLines(Path.of(rest.get("/api/v1/experiments/" + runId).json()
          .path("bundle").asText()).resolve("queries.csv"));
      assertThat(queryRows.get(0)).endsWith(",energyJ,energySource,digest,meteredEnergyJ,meteredEnergyUncertaintyJ,"
          + "meteredEnergyMethod,meteredEnergySource,meter");
      assertThat(queryRows.stream().skip(1).filter(r -> r.contains(",ok,"))).isNotEmpty()
          .allSatisfy(r -> assertThat(r).contains(",modelled,").endsWith(",integrated,metered,phone-p-ina"));
      long okQueries = queryRows.stream().skip(1).filter(r -> r.contains(",ok,")).count();
      // written again at the end with the same series and time: InfluxDB merges the meter's fields into each point
      await().atMost(Duration.ofSeconds(15)).until(() ->
          count(influx, "query", "meteredEnergyJ", "\"run\"='" + runId + "' AND \"ok\"=1") == okQueries);
      assertThat(count(influx, "query", "latencyMs", "\"run\"='" + runId + "'")).isEqualTo(queryRows.size() - 1);
      assertThat(count(influx, "query", "meteredEnergyUncertaintyJ", "\"run\"='" + runId + "' AND \"energyJ\" > 0")).isEqualTo(okQueries);

      // binding over REST: token, unknown device, unknown meter, re-bind and back
      assertThat(put(o, "/api/v1/meters/phone-p-ina/binding", "{\"deviceId\":\"phone-p\"}", null).statusCode()).isEqualTo(401);
      HttpResponse<String> unknownDevice = put(o, "/api/v1/meters/phone-p-ina/binding", "{\"deviceId\":\"phone-zz\"}", TOKEN);
      assertThat(unknownDevice.statusCode()).isEqualTo(404);
      assertThat(unknownDevice.body()).contains("unknown device 'phone-zz'");
      HttpResponse<String> unknownMeter = put(o, "/api/v1/meters/nope/binding", "{\"deviceId\":\"phone-p\"}", TOKEN);
      assertThat(unknownMeter.statusCode()).isEqualTo(404);
      assertThat(unknownMeter.body()).contains("unknown meter 'nope'");
      assertThat(put(o, "/api/v1/meters/phone-p-ina/binding", "{\"device\":1}", TOKEN).statusCode()).isEqualTo(400);
      HttpResponse<String> bound = put(o, "/api/v1/meters/phone-p-ina/binding", "{\"deviceId\":\"phone-p\"}", TOKEN);
      assertThat(bound.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(bound.body()).path("binding").asText()).isEqualTo("rest");
      assertThat(rest.delete("/api/v1/meters/phone-p-ina/binding").status()).isEqualTo(401);
      RestClient.Answer unbound = rest.delete("/api/v1/meters/phone-p-ina/binding", TOKEN);
      assertThat(unbound.status()).isEqualTo(200);
      assertThat(unbound.json().path("binding").asText()).isEqualTo("batch");
      assertThat(rest.get("/api/v1/meters/nope").status()).isEqualTo(404);
      assertThat(rest.get("/api/v1/meters/nope/energy").status()).isEqualTo(404);
    } finally {
      o.stop().toCompletableFuture().get();
    }
  }

  static HttpResponse<String> put(RunningOrchestrator o, String path, String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(o.restUrl() + path)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static long count(Influxd influx, String measurement, String field, String where) throws Exception {
    JsonNode r = JSON.readTree(influx.query(DB, "SELECT count(\"" + field + "\") FROM \"" + measurement + "\" WHERE " + where));
    JsonNode values = r.path("results").path(0).path("series").path(0).path("values");
    return values.isMissingNode() || values.isEmpty() ? 0 : values.path(0).path(1).asLong();
  }

  /** A test-side device that echoes clock probes at once and answers each inference after ~150 ms of "work". */
  static final class ProbedDevice implements AutoCloseable {
    private final MqttClient client;
    private final String id;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong seq = new AtomicLong();

    private ProbedDevice(MqttClient client, String id) {
      this.client = client;
      this.id = id;
    }

    static ProbedDevice start(String url, Hello hello) throws MqttException {
      String id = hello.deviceId();
      MqttClient c = new MqttClient(url, "probed-" + id + "-" + System.nanoTime(), new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setCleanSession(true);
      o.setWill(Topics.state(id), WireCodec.encode(State.offline(id, Fixtures.T0)), 1, true);
      c.connect(o);
      ProbedDevice d = new ProbedDevice(c, id);
      c.subscribe(Topics.commands(id), 1, (topic, message) -> {
        WireMessage m = WireCodec.decode(message.getPayload());
        long t1 = now();
        if (m instanceof ClockProbe p) {
          d.publish(Topics.replies(id), ClockEcho.of(p, t1, now()));
        } else if (m instanceof InferenceCommand cmd) {
          d.executor.schedule(() -> d.answer(cmd, t1), 150, TimeUnit.MILLISECONDS);
        }
      });
      d.publish(Topics.hello(id), hello, true);
      d.publish(Topics.state(id), State.online(id, Fixtures.T0), true);
      d.executor.scheduleAtFixedRate(() -> d.publish(Topics.heartbeat(id), Fixtures.heartbeat(id, d.seq.incrementAndGet()), false),
          0, 300, TimeUnit.MILLISECONDS);
      return d;
    }

    private void answer(InferenceCommand c, long startNs) {
      long end = now();
      publish(Topics.replies(id), new InferenceResult(SchemaVersion.CURRENT, id, end, c.correlationId(), c.model(), c.target(),
          c.precision(), id, c.batchSize(), Outcome.OK, null, (end - startNs) / 1e6, (end - startNs) / 1e6, null, startNs, end,
          "abcd", 0.05, PowerSource.MODELLED, null, null));
    }

    private void publish(String topic, WireMessage m) { publish(topic, m, false); }

    private void publish(String topic, WireMessage m, boolean retained) {
      try {
        client.publish(topic, WireCodec.encode(m), 1, retained);
      } catch (MqttException e) {
        if (client.isConnected()) throw new IllegalStateException(e);
      }
    }

    static long now() {
      Instant i = Instant.now();
      return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Override
    public void close() throws MqttException {
      executor.shutdownNow();
      if (client.isConnected()) {
        publish(Topics.state(id), State.offline(id, Fixtures.T0), true);
        client.disconnect();
      }
      client.close(true);
    }
  }
}
