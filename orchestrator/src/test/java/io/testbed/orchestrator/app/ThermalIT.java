package io.testbed.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.testbed.agent.app.DeviceAgent;
import io.testbed.agent.app.RunningAgent;
import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.SensorSettings;
import io.testbed.cloud.app.CloudAgent;
import io.testbed.cloud.app.RunningCloudAgent;
import io.testbed.cloud.config.CloudSettings;
import io.testbed.experiments.thermal.ModeChange;
import io.testbed.experiments.thermal.ThermalBundle;
import io.testbed.experiments.thermal.ThermalReport;
import io.testbed.experiments.thermal.ThermalSpec;
import io.testbed.orchestrator.adapter.influx.InfluxDbSink;
import io.testbed.orchestrator.adapter.mqtt.MqttSensorNodePort;
import io.testbed.orchestrator.adapter.mqtt.PahoMqttPort;
import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.thermal.ThermalRunner;
import io.testbed.orchestrator.thermal.ThermalSettings;
import io.testbed.testsupport.Influxd;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short thermal experiment on the emulated fleet with real parts: a Mosquitto broker, an influxd, a real sensor-node
 * agent (RC thermal model, noise, mobilenet in ONNX Runtime) and a real edge-box cloud agent as the far device (offload
 * HTTP). The runner drives all four policies over MQTT; the bundle, the per-policy figures and the {@code thermal}
 * and {@code experiment_event} series in InfluxDB are checked.
 */
@ExtendWith(RealServers.class)
class ThermalIT {
  static final String DB = "testbed_thermal_it";
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shortThermalRunOnTheEmulatedFleet(Mosquitto mosquitto, Influxd influxd, @TempDir Path dir) throws Exception {
    String broker = mosquitto.url();
    AgentSettings sensorAgent = AgentSettings.load(Map.of("testbed.agent.id", "sensor-it", "testbed.agent.profile", "sensor-node",
        "testbed.agent.models", List.of("mobilenet"), "testbed.agent.mqtt.broker", broker, "testbed.agent.cpu-cap.enabled", false));
    AgentSettings farAgent = AgentSettings.load(Map.of("testbed.agent.id", "edge-it", "testbed.agent.profile", "edge-box",
        "testbed.agent.models", List.of("mobilenet"), "testbed.agent.mqtt.broker", broker, "testbed.agent.cpu-cap.enabled", false));
    ExecutorService blocking = Executors.newCachedThreadPool();
    OrchestratorSettings os = OrchestratorSettings.fromConfig(ConfigFactory.load());
    try (RunningCloudAgent far = CloudAgent.start(farAgent, CloudSettings.fromConfig(ConfigFactory.load()));
        RunningAgent sensor = DeviceAgent.builder(sensorAgent).sensor(SensorSettings.load(Map.of("frames.width", 640, "frames.height", 360))).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> sensor.connected() && far.agent().connected());
      String farUrl = ThermalRunCommand.endpointOf("edge-it", mqtt(os, broker, "thermal-it-hello", blocking), Duration.ofSeconds(20));
      assertThat(farUrl).isEqualTo(far.endpoint());

      // ambient 35 C: all-far warms the node, all-near then crosses the 24 dB threshold (~75 C) within seconds, and
      // stop-capture-go and seasonal migration start hot, so 4 s per policy shows every behaviour
      ThermalSpec spec = new ThermalSpec("thermal-it", "thermal", "sensor-it", "edge-it", 30.0, 24.0, 500L, 4.0, null, 1,
          List.of(new ThermalSpec.EnvironmentStep(0, 35.0, 1.0)), 200L, 10.0, null);
      assertThat(spec.problems()).isEmpty();
      String runId = "thermal-it-1";
      InfluxDbSink sink = InfluxDbSink.open(influxd.url(), new OrchestratorSettings.Influx(Optional.of(influxd.url()), DB, Optional.empty(),
          Optional.empty(), 200, Duration.ofMillis(200), Duration.ofSeconds(2)));
      ThermalRunner.Finished done;
      try (sink; MqttSensorNodePort node = new MqttSensorNodePort(mqtt(os, broker, "thermal-it", blocking), "sensor-it", runId, Clock.systemUTC(),
          Duration.ofSeconds(20))) {
        // the agent subscribes after connecting: wait until it acknowledges a SetMode
        await().atMost(Duration.ofSeconds(20)).until(() -> node.setMode("nsp", null, null, Duration.ofSeconds(1)).applied());
        done = new ThermalRunner(ThermalSettings.defaults(), node, sink, Clock.systemUTC(), System::nanoTime).run(runId, spec, farUrl);
      }
      ThermalReport report = done.report();
      System.out.println(report.table());
      assertThat(report.policies()).extracting(ThermalReport.PolicyFigures::policy).containsExactlyElementsOf(ThermalSpec.POLICIES);
      ThermalReport.PolicyFigures allFar = report.policies().get(0), allNear = report.policies().get(1), scg = report.policies().get(2),
          seasonal = report.policies().get(3);
      for (ThermalReport.PolicyFigures p : report.policies()) {
        assertThat(p.frames()).as(p.policy()).isGreaterThan(10);
        assertThat(p.failedFrames()).as(p.policy()).isZero();
      }
      assertThat(allFar.farPowerW()).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(allFar.transferPowerW()).isGreaterThan(0.5);
      assertThat(allFar.agreementMean()).isNotNull();
      assertThat(allNear.systemPowerW()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(allNear.savedVsAllFarPct()).isGreaterThan(20);
      assertThat(allNear.timeAboveThresholdS()).isGreaterThan(0);
      assertThat(done.changes()).filteredOn(c -> c.policy().equals("stop-capture-go")).extracting(ModeChange::to).contains("cap", "nsp");
      assertThat(scg.captures()).isGreaterThan(0);
      assertThat(scg.capturesMeetingTargetPct()).isGreaterThan(allNear.capturesMeetingTargetPct());
      assertThat(scg.duty()).isLessThan(1.0);
      assertThat(done.changes()).filteredOn(c -> c.policy().equals("seasonal-migration")).extracting(ModeChange::to).contains("far");
      assertThat(seasonal.nearDuty()).isLessThan(1.0);
      assertThat(far.service()).isNotNull();

      Path bundle = ThermalBundle.write(dir, report, done.frames(), done.changes());
      assertThat(bundle.resolve(ThermalBundle.REPORT_TXT)).content().contains("| stop-capture-go |").contains("22-53 %");
      JsonNode json = JSON.readTree(bundle.resolve(ThermalBundle.REPORT_JSON).toFile());
      assertThat(json.path("policies")).hasSize(4);
      for (String p : ThermalSpec.POLICIES) assertThat(bundle.resolve("plots/thermal-" + p + ".png")).exists();

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        JsonNode points = JSON.readTree(influxd.query(DB, "SELECT count(temperatureC) FROM thermal WHERE run = '" + runId + "' GROUP BY \"policy\""));
        assertThat(points.path("results").get(0).path("series")).hasSize(4);
        JsonNode modes = JSON.readTree(influxd.query(DB, "SELECT count(value) FROM experiment_event WHERE run = '" + runId + "' AND kind = 'mode'"));
        long count = modes.path("results").get(0).path("series").get(0).path("values").get(0).get(1).asLong();
        assertThat(count).isEqualTo(done.changes().size());
        // Issue 8: every panel of the thermal Grafana dashboard returns data for this run.
        assertThat(io.testbed.testsupport.GrafanaDashboards.problems(influxd, DB, io.testbed.testsupport.GrafanaDashboards.queries(
            io.testbed.testsupport.GrafanaDashboards.dir().resolve("thermal.json"), Map.of("run", runId, "device", "sensor-it")))).isEmpty();
      });
    } finally {
      blocking.shutdownNow();
    }
  }

  private static PahoMqttPort mqtt(OrchestratorSettings os, String broker, String clientId, ExecutorService blocking) {
    OrchestratorSettings.Mqtt m = os.mqtt();
    return new PahoMqttPort(broker, new OrchestratorSettings.Mqtt(broker, clientId, m.username(), m.password(), m.tlsCaFile(), m.maxInflight(),
        m.keepAlive(), m.connectTimeout(), m.connectRetry(), m.publishBuffer(), m.dispatcherPath()), blocking);
  }
}
