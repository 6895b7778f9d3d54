package io.testbed.power.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.testbed.power.adapter.mqtt.MqttConnection;
import io.testbed.power.pipeline.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The bridge's settings, read once from {@code testbed.power-bridge} and validated at start-up. Each meter's config
 * is already merged with {@code meter-defaults.<type>} and {@code meter-defaults.common}.
 */
public record BridgeSettings(
    MqttConnection broker,
    String clientId,
    int qos,
    Duration connectTimeout,
    int maxInflight,
    int offlineBuffer,
    Duration batchInterval,
    int batchMaxSamples,
    Backoff backoff,
    long randomSeed,
    List<Config> meters) {
  public static final String PATH = "testbed.power-bridge";

  public BridgeSettings {
    if (qos < 0 || qos > 1) throw new IllegalArgumentException(PATH + ".qos must be 0 or 1, was " + qos);
    if (batchMaxSamples < 1) throw new IllegalArgumentException(PATH + ".batch-max-samples must be >= 1, was " + batchMaxSamples);
    if (batchInterval.isNegative() || batchInterval.isZero()) throw new IllegalArgumentException(PATH + ".batch-interval must be > 0");
    if (maxInflight < 1) throw new IllegalArgumentException(PATH + ".max-inflight must be >= 1");
    meters = List.copyOf(meters);
  }

  /** Reads and validates {@code testbed.power-bridge} of a resolved config (application config over reference.conf). */
  public static BridgeSettings from(Config root) {
    try {
      Config c = root.getConfig(PATH);
      Config defaults = c.getConfig("meter-defaults");
      List<Config> meters = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      List<? extends Config> raw = c.getConfigList("meters");
      for (int i = 0; i < raw.size(); i++) {
        Config m = raw.get(i);
        String where = PATH + ".meters[" + i + "]";
        for (String key : List.of("id", "type", "device")) {
          if (!m.hasPath(key) || m.getString(key).isBlank()) throw new IllegalArgumentException(where + "." + key + " is required");
        }
        String type = m.getString("type");
        if (!MeterFactory.TYPES.contains(type)) throw new IllegalArgumentException(where + ".type: unknown '" + type + "' (one of " + MeterFactory.TYPES + ")");
        if (!ids.add(m.getString("id"))) throw new IllegalArgumentException(where + ".id: duplicate meter id '" + m.getString("id") + "'");
        meters.add(m.withFallback(defaults.getConfig(type)).withFallback(defaults.getConfig("common")));
      }
      Config b = c.getConfig("backoff");
      return new BridgeSettings(
          new MqttConnection(c.getString("broker"), c.getString("username"), c.getString("password"), c.getString("tls-ca-file")),
          c.getString("client-id"),
          c.getInt("qos"),
          c.getDuration("connect-timeout"),
          c.getInt("max-inflight"),
          c.getInt("offline-buffer"),
          c.getDuration("batch-interval"),
          c.getInt("batch-max-samples"),
          new Backoff(b.getDuration("initial"), b.getDuration("max"), b.getDouble("multiplier"), b.getDouble("jitter")),
          c.getLong("random-seed"),
          meters);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("power bridge config: " + e.getMessage(), e);
    }
  }
}
