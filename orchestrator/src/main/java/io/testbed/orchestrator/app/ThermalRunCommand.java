package io.testbed.orchestrator.app;

import com.typesafe.config.ConfigFactory;
import io.testbed.experiments.spec.SpecProblem;
import io.testbed.experiments.thermal.ThermalBundle;
import io.testbed.experiments.thermal.ThermalSpec;
import io.testbed.orchestrator.adapter.influx.InfluxDbSink;
import io.testbed.orchestrator.adapter.influx.LineProtocolFileSink;
import io.testbed.orchestrator.adapter.mqtt.MqttSensorNodePort;
import io.testbed.orchestrator.adapter.mqtt.PahoMqttPort;
import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.port.MqttPort;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.orchestrator.thermal.ThermalRunner;
import io.testbed.orchestrator.thermal.ThermalSettings;
import io.testbed.protocol.Hello;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs a {@code thermal} experiment spec against a running fleet over MQTT (the sensor node and far device agents on
 * the broker), writes the bundle and prints the per-policy table. The REST runner does not take thermal specs yet;
 * this is the way to run them: {@code java -cp ... io.testbed.orchestrator.app.ThermalRunCommand SPEC.json}.
 */
@Command(name = "thermal-run", mixinStandardHelpOptions = true, description = "Run a thermal (Stagioni) experiment spec against the fleet.")
public final class ThermalRunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC.json", description = "the thermal spec (experiments/README.md)")
  Path spec;

  @Option(names = "--broker", defaultValue = "${env:TESTBED_MQTT_BROKER:-tcp://127.0.0.1:1883}", description = "MQTT broker URL (default ${DEFAULT-VALUE})")
  String broker;

  @Option(names = "--influx", description = "InfluxDB 1.x URL for the thermal points (default: line-protocol file in the run folder)")
  String influx;

  @Option(names = "--influx-db", defaultValue = "testbed", description = "InfluxDB database (default ${DEFAULT-VALUE})")
  String influxDb;

  @Option(names = "--out", defaultValue = "runs/experiments", description = "where run folders go (default ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--far-url", description = "the far device's offload endpoint (default: from its retained hello)")
  String farUrl;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ThermalRunCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ThermalSpec s = ThermalSpec.read(spec);
    List<SpecProblem> problems = s.problems();
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.err.println("invalid spec: " + p));
      return 2;
    }
    s = s.withDefaults();
    OrchestratorSettings os = OrchestratorSettings.fromConfig(ConfigFactory.load());
    String runId = s.name() + "-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
    ExecutorService blocking = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "thermal-mqtt");
      t.setDaemon(true);
      return t;
    });
    try {
      String far = farUrl;
      boolean needsFar = s.policies().contains("all-far") || s.policies().contains("seasonal-migration");
      if (far == null && needsFar) far = endpointOf(s.farDevice(), mqtt(os, runId + "-hello", blocking), Duration.ofSeconds(10));
      if (far == null && needsFar) {
        System.err.println("no endpoint for far device " + s.farDevice() + " (no retained hello with an endpoint on " + broker + "); pass --far-url");
        return 3;
      }
      TelemetrySink sink = influx != null
          ? InfluxDbSink.open(influx, new OrchestratorSettings.Influx(java.util.Optional.of(influx), influxDb, java.util.Optional.empty(),
              java.util.Optional.empty(), 500, Duration.ofMillis(500), Duration.ofSeconds(2)))
          : LineProtocolFileSink.open(out.resolve(runId), influxDb, Instant.now(), Duration.ofSeconds(1));
      try (sink; MqttSensorNodePort node = new MqttSensorNodePort(mqtt(os, runId, blocking), s.sensorNode(), runId, Clock.systemUTC(),
          Duration.ofSeconds(10))) {
        System.out.printf("thermal run %s: %s on %s (far %s at %s), %.0f s per policy%n", runId, s.policies(), s.sensorNode(), s.farDevice(), far,
            s.durationS());
        ThermalRunner.Finished done = new ThermalRunner(ThermalSettings.fromConfig(ConfigFactory.load()), node, sink, Clock.systemUTC(), System::nanoTime)
            .run(runId, s, far);
        Path dir = ThermalBundle.write(out, done.report(), done.frames(), done.changes());
        System.out.println(done.report().table());
        System.out.println("bundle: " + dir.toAbsolutePath());
        System.out.println("time series: " + sink.info());
      }
      return 0;
    } finally {
      blocking.shutdownNow();
    }
  }

  private MqttPort mqtt(OrchestratorSettings os, String clientId, ExecutorService blocking) {
    OrchestratorSettings.Mqtt m = os.mqtt();
    return new PahoMqttPort(broker, new OrchestratorSettings.Mqtt(broker, clientId, m.username(), m.password(), m.tlsCaFile(), m.maxInflight(),
        m.keepAlive(), m.connectTimeout(), m.connectRetry(), m.publishBuffer(), m.dispatcherPath()), blocking);
  }

  /** The far device's endpoint from its retained hello, or null. */
  static String endpointOf(String deviceId, MqttPort mqtt, Duration timeout) throws Exception {
    CompletableFuture<String> endpoint = new CompletableFuture<>();
    mqtt.connect(new MqttPort.Listener() {
      @Override
      public void messageArrived(String topic, byte[] payload) {
        try {
          WireMessage m = WireCodec.decode(payload);
          if (m instanceof Hello h && h.endpoint() != null) endpoint.complete(h.endpoint());
        } catch (RuntimeException | io.testbed.protocol.MalformedMessageException e) {
          // not a hello: keep waiting
        }
      }

      @Override public void connectionLost(String reason) {}

      @Override public void reconnected() {}
    }).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    mqtt.subscribe(List.of(Topics.hello(deviceId)), 1).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return endpoint.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return null;
    } finally {
      mqtt.disconnect().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
