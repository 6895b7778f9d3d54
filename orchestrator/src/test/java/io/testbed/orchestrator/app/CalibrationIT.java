package io.testbed.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.testbed.agent.app.DeviceAgent;
import io.testbed.agent.app.RunningAgent;
import io.testbed.agent.config.AgentSettings;
import io.testbed.experiments.cli.ResultTable;
import io.testbed.orchestrator.RestClient;
import io.testbed.power.app.PowerBridge;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A power calibration end to end through a real Mosquitto: a real device agent (in-process, real ONNX Runtime, its own
 * modelled power) and an in-process power bridge whose modelled meter (this host's /proc/stat busy share, a different
 * power model from the agent's) is bound to it. The run's report must be complete and consistent with its own steps:
 * MAPE recomputed from the steps, the fitted line through the fitted values, R^2 from the residuals.
 */
@ExtendWith(RealServers.class)
class CalibrationIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String DEVICE = "phone-cal";
  static final String SPEC = """
      {"name": "calibration-it", "type": "calibration", "device": "phone-cal", "models": ["mobilenet"],
       "targets": ["cpu", "gpu"], "levels": [0, 0.5, 1], "stepMs": 2500, "settleMs": 300, "batchSize": 4, "seed": 3}""";

  @TempDir Path dir;

  @Test
  void calibratesTheAgentsModelAgainstItsBoundMeter(Mosquitto broker) throws Exception {
    RunningOrchestrator o = Orchestrator.start(ConfigFactory.parseMap(Map.of(
        "testbed.orchestrator.http.port", 0,
        "testbed.orchestrator.mqtt.url", broker.url(),
        "testbed.orchestrator.mqtt.client-id", "orchestrator-calibration-it",
        "testbed.orchestrator.influx.url", "http://127.0.0.1:9",
        "testbed.orchestrator.data-dir", dir.toString(),
        "testbed.orchestrator.power-meters.probe-interval", "1s")));
    RestClient rest = new RestClient(o.restUrl());
    AgentSettings agent = AgentSettings.load(Map.of("testbed.agent.id", DEVICE, "testbed.agent.profile", "phone",
        "testbed.agent.models", List.of("mobilenet"), "testbed.agent.mqtt.broker", broker.url(),
        "testbed.agent.cpu-cap.enabled", false, "testbed.agent.power.publish-interval", "250ms"));
    String bridge = """
        testbed.power-bridge {
          broker = "%s"
          client-id = "power-bridge-calibration-it"
          batch-interval = 100ms
          meters = [ { id = "phone-cal-host", type = modelled, device = "phone-cal", rate-hz = 200, idle-w = 0.8, busy-w = 3.5, utilisation = proc-stat } ]
        }
        """.formatted(broker.url());
    try (RunningAgent phone = DeviceAgent.start(agent)) {
      await().atMost(Duration.ofSeconds(60)).until(() ->
          rest.get("/api/v1/devices/" + DEVICE).json().path("status").asText().equals("online"));

      // refused: 400 with every problem of a bad spec; 422 while no meter is bound to the device
      RestClient.Answer bad = rest.post("/api/v1/experiments", """
          {"name": "x", "type": "calibration", "device": "phone-cal", "models": [], "targets": ["cpu"], "levels": [2]}""", null);
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.raw()).contains("models", "levels[0]");
      RestClient.Answer noMeter = rest.post("/api/v1/experiments", SPEC, null);
      assertThat(noMeter.status()).as(noMeter.raw()).isEqualTo(422);
      assertThat(noMeter.raw()).contains("no meter is bound to device 'phone-cal'");
      RestClient.Answer unknownTarget = rest.post("/api/v1/experiments", SPEC.replace("\"gpu\"", "\"tpu\""), null);
      assertThat(unknownTarget.status()).isEqualTo(422);
      assertThat(unknownTarget.raw()).contains("no target 'tpu'");

      try (PowerBridge b = PowerBridge.start(ConfigFactory.parseString(bridge).withFallback(ConfigFactory.load()).resolve())) {
        await().atMost(Duration.ofSeconds(20)).until(() -> rest.get("/api/v1/meters/phone-cal-host").status() == 200);
        // both clocks estimated before the run, so every step is aligned
        await().atMost(Duration.ofSeconds(20)).until(() -> {
          int synced = 0;
          for (JsonNode c : rest.get("/api/v1/clocks").json()) if (c.path("uncertaintyNs").isNumber()) synced++;
          return synced >= 2;
        });
        RestClient.Answer a = rest.post("/api/v1/experiments", SPEC, null);
        assertThat(a.status()).as(a.raw()).isEqualTo(202);
        String runId = a.json().path("runId").asText();
        assertThat(a.json().path("scenario").asText()).isEqualTo("calibration");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
            rest.get("/api/v1/experiments/" + runId).json().path("status").asText().matches("completed|failed|cancelled"));
        JsonNode view = rest.get("/api/v1/experiments/" + runId).json();
        assertThat(view.path("status").asText()).as(view.toString()).isEqualTo("completed");
        assertThat(view.path("verdict").asText()).isEqualTo("VALID");
        assertThat(view.path("repetitions").asInt()).isEqualTo(5);
        JsonNode s = view.path("summary");
        System.out.println("CalibrationIT:\n" + ResultTable.render(s));

        assertThat(s.path("meter").asText()).isEqualTo("phone-cal-host");
        assertThat(s.path("meterSource").asText()).isEqualTo("modelled");
        assertThat(s.path("profile").asText()).isEqualTo("phone");
        JsonNode steps = s.path("steps");
        assertThat(steps).hasSize(5);
        assertThat(steps.get(0).path("label").asText()).isEqualTo("idle");
        assertThat(steps.get(0).path("inferences").asInt()).isZero();
        assertThat(steps.get(0).path("utilisation").asDouble()).isZero();
        List<Double> modelled = new ArrayList<>();
        List<Double> metered = new ArrayList<>();
        double mape = 0;
        for (JsonNode st : steps) {
          assertThat(st.path("meteredW").asDouble()).as(st.toString()).isBetween(0.8 - 1e-9, 3.5 + 1e-9); // the bridge's range
          assertThat(st.path("modelledW").asDouble()).as(st.toString()).isBetween(0.6 - 1e-9, 3.58 + 1e-9); // the profile's
          assertThat(st.path("meteredSamples").asInt()).as(st.toString()).isGreaterThan(200); // 200 Hz x 2.5 s
          assertThat(st.path("utilisation").asDouble()).isBetween(0.0, 1.0);
          if (!st.path("label").asText().equals("idle")) {
            assertThat(st.path("inferences").asInt()).as(st.toString()).isPositive();
            assertThat(st.path("utilisation").asDouble()).as(st.toString()).isPositive();
          }
          double m = st.path("modelledW").asDouble();
          double r = st.path("meteredW").asDouble();
          assertThat(st.path("errorPct").asDouble()).isCloseTo(100 * (m - r) / r, within(1e-9));
          mape += Math.abs(m - r) / r;
          modelled.add(m);
          metered.add(r);
        }
        assertThat(s.path("mapePct").asDouble()).isCloseTo(100 * mape / 5, within(1e-9));

        // the fit: finite, its line through every step's fitted value, R^2 from its residuals
        JsonNode fit = s.path("fit");
        double idle = fit.path("idleW").asDouble();
        assertThat(Double.isFinite(idle)).isTrue();
        assertThat(fit.path("idleStdErrW").isNumber()).isTrue();
        assertThat(fit.path("observations").asInt()).isEqualTo(5);
        double ssRes = 0;
        double mean = metered.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double ssTot = 0;
        for (int i = 0; i < 5; i++) {
          JsonNode st = steps.get(i);
          String target = st.path("target").asText(null);
          double k = target == null ? 0 : fit.path("k").path(target).path("wPerUtilisation").asDouble();
          double fitted = idle + k * st.path("utilisation").asDouble();
          assertThat(st.path("fittedW").asDouble()).isCloseTo(fitted, within(1e-9));
          ssRes += Math.pow(metered.get(i) - fitted, 2);
          ssTot += Math.pow(metered.get(i) - mean, 2);
        }
        assertThat(fit.path("rSquared").asDouble()).isCloseTo(1 - ssRes / ssTot, within(1e-6));
        for (String t : List.of("cpu", "gpu")) {
          assertThat(fit.path("k").path(t).path("stdErrW").isNumber()).as(t).isTrue();
          assertThat(fit.path("k").path(t).path("busyW").asDouble()).isCloseTo(idle + fit.path("k").path(t).path("wPerUtilisation").asDouble(), within(1e-9));
        }
        // the device's own model, fitted from its modelled power, comes back near the profile (idle 0.6 W)
        assertThat(s.path("modelFit").path("idleW").asDouble()).isCloseTo(0.6, within(0.15));

        // the bundle, over REST: CSV, plot, fitted profile, per-inference metered energy
        String csv = new String(rest.raw("/api/v1/experiments/" + runId + "/files/calibration.csv").body(), StandardCharsets.UTF_8);
        assertThat(csv.strip().split("\n")).hasSize(6);
        RestClient.Raw png = rest.raw("/api/v1/experiments/" + runId + "/files/calibration.png");
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.body().length).isGreaterThan(1000);
        String energy = new String(rest.raw("/api/v1/experiments/" + runId + "/files/energy.csv").body(), StandardCharsets.UTF_8);
        assertThat(energy).contains(",phone-cal,phone-cal-host,mobilenet,cpu,");
        RestClient.Raw conf = rest.raw("/api/v1/experiments/" + runId + "/files/profile-fit.conf");
        assertThat(conf.status()).isEqualTo(200);
        // ... in the shape of the agent's profiles (device-agents ProfileOverlayTest loads such a file into an agent)
        com.typesafe.config.Config fitConf = ConfigFactory.parseString(new String(conf.body(), StandardCharsets.UTF_8))
            .getConfig("testbed.agent.profiles.phone");
        assertThat(fitConf.getDouble("power.idle-w")).isCloseTo(Math.max(0, idle), within(1e-4));
        List<? extends com.typesafe.config.Config> targets = fitConf.getConfigList("targets");
        assertThat(targets).extracting(t -> t.getString("id")).containsExactly("cpu", "gpu");
        assertThat(targets.get(1).getDoubleList("busy-w")).singleElement().satisfies(w ->
            assertThat(w).isCloseTo(Math.max(0, fit.path("k").path("gpu").path("busyW").asDouble()), within(1e-4)));
      }
    } finally {
      o.stop().toCompletableFuture().get();
    }
  }
}
