package io.testbed.launcher;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by {@code up} and {@code demo}; they override the HOCON configuration. */
final class AllInOneOptions {
  @Option(names = "--http-port", description = "REST port of the orchestrator (default ${DEFAULT-VALUE}; 0 = any free port)")
  Integer httpPort;

  @Option(names = "--broker-port", description = "port of the embedded MQTT broker (default from config: 1883)")
  Integer brokerPort;

  @Option(names = "--influx", description = "InfluxDB 1.x URL; without it, series go to line-protocol files in the data dir")
  String influxUrl;

  @Option(names = "--data-dir", description = "run folder for line-protocol files, results and logs (default ./runs)")
  String dataDir;

  @Option(names = "--token", description = "bearer token required by mutating REST routes")
  String token;

  @Option(names = "--config", description = "HOCON file overriding the defaults")
  File configFile;

  Config load(int defaultHttpPort, int defaultBrokerPort) {
    Map<String, Object> o = new HashMap<>();
    if (httpPort != null || defaultHttpPort >= 0) o.put(Keys.HTTP_PORT, httpPort != null ? httpPort : defaultHttpPort);
    if (brokerPort != null || defaultBrokerPort >= 0) o.put(Keys.BROKER_PORT, brokerPort != null ? brokerPort : defaultBrokerPort);
    if (influxUrl != null) o.put(Keys.INFLUX_URL, influxUrl);
    if (dataDir != null) {
      o.put(Keys.DATA_DIR, dataDir);
      o.put("testbed.launcher.log-dir", dataDir + "/logs");
    }
    if (token != null) o.put(Keys.TOKEN, token);
    Config base = configFile != null ? ConfigFactory.parseFile(configFile).withFallback(ConfigFactory.load()) : ConfigFactory.load();
    return ConfigFactory.parseMap(o).withFallback(base).resolve();
  }
}
