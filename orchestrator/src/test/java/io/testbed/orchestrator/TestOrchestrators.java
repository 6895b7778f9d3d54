package io.testbed.orchestrator;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.testbed.orchestrator.app.Orchestrator;
import io.testbed.orchestrator.app.RunningOrchestrator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The orchestrator as API tests and ITs start it: free ports, its embedded broker, no InfluxDB (line-protocol files in {@code dataDir}). */
public final class TestOrchestrators {
  private TestOrchestrators() {}

  /** Starts one; {@code extra} adds or overrides settings (full keys, e.g. {@code testbed.orchestrator.api-token}). */
  public static RunningOrchestrator embedded(Path dataDir, Map<String, Object> extra) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("testbed.orchestrator.http.port", 0);
    settings.put("testbed.orchestrator.embedded-broker.port", 0);
    settings.put("testbed.orchestrator.influx.url", "");
    settings.put("testbed.orchestrator.data-dir", dataDir.toString());
    settings.putAll(extra);
    return Orchestrator.start(ConfigFactory.parseMap(settings));
  }

  /**
   * Starts one against a real broker and a real influxd (the ITs): free HTTP port, points flushed every 200 ms into
   * {@code database}; {@code extra} adds or overrides settings.
   */
  public static RunningOrchestrator onRealServers(String mqttUrl, String clientId, String influxUrl, String database,
      Map<String, Object> extra) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("testbed.orchestrator.http.port", 0);
    settings.put("testbed.orchestrator.mqtt.url", mqttUrl);
    settings.put("testbed.orchestrator.mqtt.client-id", clientId);
    settings.put("testbed.orchestrator.influx.url", influxUrl);
    settings.put("testbed.orchestrator.influx.database", database);
    settings.put("testbed.orchestrator.influx.flush-interval", "200ms");
    settings.putAll(extra);
    return Orchestrator.start(ConfigFactory.parseMap(settings));
  }

  /** Waits (10 s at most) until the orchestrator's health counts {@code devices} online. */
  public static void awaitOnline(RestClient rest, int devices) {
    await().atMost(Duration.ofSeconds(10)).until(() -> rest.get("/api/v1/health").json().path("devices").path("online").asInt() == devices);
  }
}
