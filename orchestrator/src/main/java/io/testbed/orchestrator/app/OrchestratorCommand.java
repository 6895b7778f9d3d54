package io.testbed.orchestrator.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator} command line: starts the orchestrator, prints its REST URL and runs until SIGTERM/Ctrl-C. */
@Command(
    name = "orchestrator",
    mixinStandardHelpOptions = true,
    description = "Runs the testbed orchestrator: device twins over MQTT, telemetry to InfluxDB or files, REST API.")
public final class OrchestratorCommand implements Callable<Integer> {
  private static final String P = "testbed.orchestrator.";

  @Option(names = "--http-port", description = "REST port (default 8080; 0 = any free port)")
  Integer httpPort;

  @Option(names = "--http-host", description = "REST bind address (default 127.0.0.1)")
  String httpHost;

  @Option(names = "--broker", paramLabel = "URL", description = "external MQTT broker (tcp://host:port or ssl://...); disables the embedded broker")
  String broker;

  @Option(names = "--embedded-broker-port", description = "port of the embedded broker (default 1883; 0 = any free port)")
  Integer embeddedBrokerPort;

  @Option(names = "--influx", paramLabel = "URL", description = "InfluxDB 1.x URL; without it (or when unreachable) time series go to line-protocol files")
  String influx;

  @Option(names = "--data-dir", description = "run folder root for line-protocol files (default ./runs)")
  String dataDir;

  @Option(names = "--token", description = "bearer token required on mutating REST routes (or env TESTBED_API_TOKEN)")
  String token;

  @Option(names = "--config", paramLabel = "FILE", description = "HOCON file with testbed.orchestrator settings")
  File configFile;

  /** The config these options describe, over the file (if any) and the defaults. */
  Config config() {
    Map<String, Object> o = new HashMap<>();
    if (httpPort != null) o.put(P + "http.port", httpPort);
    if (httpHost != null) o.put(P + "http.host", httpHost);
    if (broker != null) {
      o.put(P + "mqtt.url", broker);
      o.put(P + "embedded-broker.enabled", false);
    }
    if (embeddedBrokerPort != null) o.put(P + "embedded-broker.port", embeddedBrokerPort);
    if (influx != null) o.put(P + "influx.url", influx);
    if (dataDir != null) o.put(P + "data-dir", dataDir);
    if (token != null) o.put(P + "api-token", token);
    Config base = configFile != null ? ConfigFactory.parseFile(configFile) : ConfigFactory.empty();
    return ConfigFactory.parseMap(o).withFallback(base);
  }

  @Override
  public Integer call() {
    if (configFile != null && !configFile.canRead()) {
      System.err.println("orchestrator: cannot read config file " + configFile);
      return 2;
    }
    RunningOrchestrator running;
    try {
      running = Orchestrator.start(config());
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("orchestrator: " + e.getMessage());
      return 2;
    }
    System.out.println("REST API: " + running.restUrl() + "/api/v1");
    System.out.println("MQTT broker: " + running.brokerUrl() + (running.brokerEmbedded() ? " (embedded)" : ""));
    System.out.println("Time series: " + running.timeseriesDescription());
    running.system().getWhenTerminated().toCompletableFuture().join();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new OrchestratorCommand()).execute(args));
  }
}
