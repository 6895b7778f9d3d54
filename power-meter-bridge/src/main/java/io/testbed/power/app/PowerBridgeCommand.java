package io.testbed.power.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code power-bridge} command: reads the meters from HOCON, publishes their samples to the broker until stopped. */
@Command(
    name = "power-bridge",
    mixinStandardHelpOptions = true,
    description = "Turns power meters (hwmon, RAPL, Android battery, nvidia-smi, SCPI, Tasmota/Shelly plugs, CSV captures, modelled) "
        + "into batched power samples on testbed/v1/meters/{id}/power.")
public final class PowerBridgeCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, description = "HOCON file with testbed.power-bridge { meters = [...] } (over reference.conf)")
  File configFile;

  @Option(names = "--broker", description = "MQTT broker URL, e.g. tcp://labserver:1883 (default from config / TESTBED_BROKER)")
  String broker;

  @Option(names = "--username", description = "MQTT user name")
  String username;

  @Option(names = "--password", description = "MQTT password (or TESTBED_BROKER_PASSWORD)", arity = "0..1", interactive = true)
  String password;

  @Option(names = "--tls-ca", description = "PEM file of the broker's CA, for ssl:// URLs")
  File tlsCa;

  @Option(names = "--qos", description = "MQTT QoS of the batches: 0 or 1")
  Integer qos;

  @Option(names = "--client-id", description = "MQTT client id")
  String clientId;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);

  public static void main(String[] args) {
    System.exit(new CommandLine(new PowerBridgeCommand()).execute(args));
  }

  /** The effective config: command-line options over the config file over application.conf/reference.conf. */
  public Config effectiveConfig() {
    Map<String, Object> o = new HashMap<>();
    String p = "testbed.power-bridge.";
    if (broker != null) o.put(p + "broker", broker);
    if (username != null) o.put(p + "username", username);
    if (password != null) o.put(p + "password", password);
    if (tlsCa != null) o.put(p + "tls-ca-file", tlsCa.getPath());
    if (qos != null) o.put(p + "qos", qos);
    if (clientId != null) o.put(p + "client-id", clientId);
    Config file = configFile == null ? ConfigFactory.empty() : ConfigFactory.parseFile(configFile);
    if (configFile != null && !configFile.isFile()) throw new IllegalArgumentException("config file not found: " + configFile);
    return ConfigFactory.parseMap(o).withFallback(file).withFallback(ConfigFactory.load()).resolve();
  }

  @Override
  public Integer call() throws Exception {
    try (PowerBridge bridge = PowerBridge.start(effectiveConfig())) {
      // on SIGTERM: end the wait below and give the bridge time to publish what is pending before the JVM halts
      Thread hook = new Thread(() -> {
        stopped.countDown();
        try {
          closed.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "power-bridge-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      stopped.await();
    } finally {
      closed.countDown();
    }
    return 0;
  }

  /** Ends {@link #call()} (for embedding; the shutdown hook does the same on SIGTERM). */
  public void stop() { stopped.countDown(); }
}
