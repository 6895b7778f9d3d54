package io.testbed.agent.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.testbed.inference.ThreadSettings;
import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.Precision;
import io.testbed.protocol.TargetKind;
import io.testbed.protocol.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a device agent needs, read once from {@code testbed.agent} and validated at start.
 *
 * @param models the models this agent loads (the profile's list unless overridden)
 * @param emulated true when emulating the profile on a host; false on the real device
 * @param endpoint base URL of this device's inference server, or empty when it serves no offloads
 * @param commandQueueCapacity commands waiting for the worker; beyond it they are rejected
 */
public record AgentSettings(
    String deviceId,
    DeviceProfile profile,
    List<String> models,
    boolean emulated,
    String endpoint,
    CpuCapSettings cpuCap,
    Duration heartbeatInterval,
    double powerSampleRateHz,
    Duration powerPublishInterval,
    ThreadSettings threads,
    boolean warmUp,
    int commandQueueCapacity,
    Duration offloadConnectTimeout,
    MqttSettings mqtt,
    AutoScaleSettings autoscale) {
  public AgentSettings {
    try {
      Topics.requireSegment(deviceId);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("id: " + e.getMessage());
    }
    if (profile == null) throw new IllegalArgumentException("profile is required");
    models = List.copyOf(models);
    if (models.isEmpty()) throw new IllegalArgumentException("models: at least one model is required");
    endpoint = endpoint == null ? "" : endpoint;
    if (cpuCap == null) throw new IllegalArgumentException("cpu-cap is required");
    positive("heartbeat-interval", heartbeatInterval);
    positive("power.publish-interval", powerPublishInterval);
    if (!(powerSampleRateHz > 0) || powerSampleRateHz > 1000) {
      throw new IllegalArgumentException("power.sample-rate-hz must be in (0, 1000], was " + powerSampleRateHz);
    }
    if (threads == null) throw new IllegalArgumentException("inference thread settings are required");
    if (commandQueueCapacity < 1) throw new IllegalArgumentException("command-queue-capacity must be >= 1, was " + commandQueueCapacity);
    positive("offload.connect-timeout", offloadConnectTimeout);
    if (mqtt == null) throw new IllegalArgumentException("mqtt settings are required");
    if (autoscale == null) throw new IllegalArgumentException("network, radio and interference settings are required");
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be > 0, was " + d);
  }

  /** True when this agent should try to cap its CPU: emulating a device slower than a host core, and enabled. */
  public boolean wantsCpuCap() { return emulated && cpuCap.enabled() && profile.needsCap(); }

  public AgentSettings withEndpoint(String url) {
    return new AgentSettings(deviceId, profile, models, emulated, url, cpuCap, heartbeatInterval, powerSampleRateHz,
        powerPublishInterval, threads, warmUp, commandQueueCapacity, offloadConnectTimeout, mqtt, autoscale);
  }

  public AgentSettings withBroker(String url) {
    return new AgentSettings(deviceId, profile, models, emulated, endpoint, cpuCap, heartbeatInterval, powerSampleRateHz,
        powerPublishInterval, threads, warmUp, commandQueueCapacity, offloadConnectTimeout, mqtt.withBroker(url), autoscale);
  }

  public AgentSettings withCpuCap(CpuCapSettings cap) {
    return new AgentSettings(deviceId, profile, models, emulated, endpoint, cap, heartbeatInterval, powerSampleRateHz,
        powerPublishInterval, threads, warmUp, commandQueueCapacity, offloadConnectTimeout, mqtt, autoscale);
  }

  /** Settings from the application's config (reference.conf, application.conf, system properties). */
  public static AgentSettings load() { return fromConfig(ConfigFactory.load()); }

  /** Settings from {@code overrides} layered over the default config; handy for tests and the launcher. */
  public static AgentSettings load(Map<String, ?> overrides) {
    return fromConfig(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()).resolve());
  }

  /** Reads and validates {@code testbed.agent} of a resolved config; failures name the setting. */
  public static AgentSettings fromConfig(Config root) {
    try {
      Config c = root.getConfig("testbed.agent");
      String profileName = c.getString("profile");
      if (!c.hasPath("profiles." + quote(profileName))) {
        throw new IllegalArgumentException(
            "profile '" + profileName + "' is not defined; known: " + c.getConfig("profiles").root().keySet());
      }
      DeviceProfile profile = profile(profileName, c.getConfig("profiles." + quote(profileName)));
      String id = c.getString("id").isBlank() ? profileName + "-1" : c.getString("id");
      List<String> models = c.getStringList("models");
      if (models.isEmpty()) models = profile.models();
      Config inf = c.getConfig("inference");
      Config mq = c.getConfig("mqtt");
      Config tls = mq.getConfig("tls");
      return new AgentSettings(
          id,
          profile,
          models,
          c.getBoolean("emulated"),
          c.getString("endpoint"),
          new CpuCapSettings(c.getBoolean("cpu-cap.enabled"), Path.of(c.getString("cpu-cap.cgroup-root")), c.getLong("cpu-cap.period-us")),
          c.getDuration("heartbeat-interval"),
          c.getDouble("power.sample-rate-hz"),
          c.getDuration("power.publish-interval"),
          new ThreadSettings(inf.getInt("intra-op-threads"), inf.getInt("inter-op-threads"), inf.getBoolean("parallel-execution")),
          inf.getBoolean("warm-up"),
          c.getInt("command-queue-capacity"),
          c.getDuration("offload.connect-timeout"),
          new MqttSettings(
              mq.getString("broker"),
              mq.getString("username"),
              mq.getString("password"),
              new MqttSettings.Tls(tls.getString("ca-file"), tls.getString("truststore-password"),
                  tls.getString("client-keystore"), tls.getString("client-keystore-password")),
              mq.getInt("max-inflight"),
              mq.getDuration("keep-alive"),
              mq.getDuration("connection-timeout"),
              mq.getDuration("connect-retry"),
              mq.getInt("offline-buffer")),
          AutoScaleSettings.fromConfig(c));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid agent configuration: " + e.getMessage(), e);
    }
  }

  /** HOCON path quoting, for profile names such as {@code edge-box} or ones with dots. */
  private static String quote(String key) { return com.typesafe.config.ConfigUtil.joinPath(key); }

  static DeviceProfile profile(String name, Config p) {
    List<TargetProfile> targets = p.getConfigList("targets").stream().map(t -> new TargetProfile(
        t.getString("id"),
        parseEnum(TargetKind.class, "target kind", t.getString("kind")),
        parseEnum(Precision.class, "target precision", t.getString("precision")),
        t.getDouble("speed-factor"),
        t.getBoolean("modelled"),
        t.getIntList("dvfs-levels-mhz"),
        t.getDoubleList("busy-w"))).toList();
    Config radio = p.getConfig("power.radio");
    return new DeviceProfile(
        name,
        DeviceKind.fromWire(p.getString("kind")),
        p.getDouble("cpu-share"),
        p.getStringList("models"),
        p.getDouble("power.idle-w"),
        new RadioPower(radio.getDouble("tx-w"), radio.getDouble("rx-w"), radio.getDouble("idle-wait-w")),
        targets);
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String what, String value) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown " + what + " '" + value + "'");
    }
  }
}
