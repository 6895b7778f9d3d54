package io.testbed.orchestrator.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Immutable settings of the orchestrator, read from the {@code testbed.orchestrator} config section and validated at start. */
public record OrchestratorSettings(
    Http http,
    Optional<String> apiToken,
    Duration askTimeout,
    Mqtt mqtt,
    EmbeddedBroker embeddedBroker,
    Influx influx,
    Path dataDir,
    Duration lineProtocolFlushInterval,
    int telemetryWindowPoints,
    Device device,
    Job job,
    Experiments experiments) {

  /** Config path of the section these settings come from. */
  public static final String SECTION = "testbed.orchestrator";

  /** REST listener. */
  public record Http(String host, int port) {}

  /** MQTT client settings; {@code url} empty means "the embedded broker". */
  public record Mqtt(
      String url,
      String clientId,
      Optional<String> username,
      Optional<String> password,
      Optional<Path> tlsCaFile,
      int maxInflight,
      Duration keepAlive,
      Duration connectTimeout,
      Duration connectRetry,
      int publishBuffer,
      String dispatcherPath) {}

  /** In-process Moquette broker. */
  public record EmbeddedBroker(boolean enabled, String host, int port, int messageSizeBytes, Optional<Path> passwordFile) {}

  /** InfluxDB 1.x; {@code url} empty means "write line-protocol files". */
  public record Influx(
      Optional<String> url,
      String database,
      Optional<String> username,
      Optional<String> password,
      int batchSize,
      Duration flushInterval,
      Duration pingTimeout) {}

  /** Device liveness. */
  public record Device(Duration heartbeatInterval, int offlineAfterMissedHeartbeats) {}

  /** Job defaults and limits. */
  public record Job(Duration inferenceTimeout, Duration replyGrace, int maxCount) {}

  /**
   * Experiment runner: how often progress is reported, how many experiments may run at once (one thread each on the
   * runner dispatcher), and the dispatcher's config path.
   */
  public record Experiments(Duration progressInterval, int maxRunning, String dispatcherPath) {}

  /** Reads and validates settings from a full config (one that holds {@code testbed.orchestrator}). */
  public static OrchestratorSettings fromConfig(Config root) {
    Config c;
    try {
      c = root.withFallback(ConfigFactory.defaultReference()).resolve().getConfig(SECTION);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid orchestrator configuration: " + e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    try {
      OrchestratorSettings s = read(c);
      s.validate(problems);
      if (problems.isEmpty()) return s;
    } catch (ConfigException e) {
      problems.add(e.getMessage());
    }
    throw new IllegalArgumentException("invalid orchestrator configuration: " + String.join("; ", problems));
  }

  private static OrchestratorSettings read(Config c) {
    String mqttUrl = c.getString("mqtt.url").trim();
    boolean embedded = c.getBoolean("embedded-broker.enabled") && mqttUrl.isEmpty();
    return new OrchestratorSettings(
        new Http(c.getString("http.host"), c.getInt("http.port")),
        optional(c.getString("api-token")),
        c.getDuration("ask-timeout"),
        new Mqtt(
            mqttUrl,
            c.getString("mqtt.client-id"),
            optional(c.getString("mqtt.username")),
            optional(c.getString("mqtt.password")),
            optional(c.getString("mqtt.tls-ca-file")).map(Path::of),
            c.getInt("mqtt.max-inflight"),
            c.getDuration("mqtt.keep-alive"),
            c.getDuration("mqtt.connect-timeout"),
            c.getDuration("mqtt.connect-retry"),
            c.getInt("mqtt.publish-buffer"),
            SECTION + ".mqtt.dispatcher"),
        new EmbeddedBroker(
            embedded,
            c.getString("embedded-broker.host"),
            c.getInt("embedded-broker.port"),
            c.getInt("embedded-broker.message-size-bytes"),
            optional(c.getString("embedded-broker.password-file")).map(Path::of)),
        new Influx(
            optional(c.getString("influx.url")),
            c.getString("influx.database"),
            optional(c.getString("influx.username")),
            optional(c.getString("influx.password")),
            c.getInt("influx.batch-size"),
            c.getDuration("influx.flush-interval"),
            c.getDuration("influx.ping-timeout")),
        Path.of(c.getString("data-dir")),
        c.getDuration("line-protocol.flush-interval"),
        c.getInt("telemetry-window-points"),
        new Device(c.getDuration("device.heartbeat-interval"), c.getInt("device.offline-after-missed-heartbeats")),
        new Job(c.getDuration("job.inference-timeout"), c.getDuration("job.reply-grace"), c.getInt("job.max-count")),
        new Experiments(c.getDuration("experiments.progress-interval"),
            c.getInt("experiments.dispatcher.thread-pool-executor.fixed-pool-size"),
            SECTION + ".experiments.dispatcher"));
  }

  private void validate(List<String> problems) {
    port(problems, "http.port", http.port);
    if (http.host.isBlank()) problems.add("http.host must not be empty");
    positive(problems, "ask-timeout", askTimeout);
    if (!embeddedBroker.enabled && mqtt.url.isEmpty()) {
      problems.add("mqtt.url is empty and embedded-broker.enabled is false: no broker to connect to");
    }
    if (!mqtt.url.isEmpty()) uri(problems, "mqtt.url", mqtt.url, List.of("tcp", "ssl"));
    if (mqtt.clientId.isBlank()) problems.add("mqtt.client-id must not be empty");
    if (mqtt.password.isPresent() && mqtt.username.isEmpty()) problems.add("mqtt.password is set but mqtt.username is empty");
    mqtt.tlsCaFile.ifPresent(f -> {
      if (!Files.isReadable(f)) problems.add("mqtt.tls-ca-file '" + f + "' is not a readable file");
    });
    if (mqtt.maxInflight < 1) problems.add("mqtt.max-inflight must be >= 1, was " + mqtt.maxInflight);
    positive(problems, "mqtt.keep-alive", mqtt.keepAlive);
    positive(problems, "mqtt.connect-timeout", mqtt.connectTimeout);
    positive(problems, "mqtt.connect-retry", mqtt.connectRetry);
    if (mqtt.publishBuffer < 1) problems.add("mqtt.publish-buffer must be >= 1, was " + mqtt.publishBuffer);
    if (telemetryWindowPoints < 1) problems.add("telemetry-window-points must be >= 1, was " + telemetryWindowPoints);
    port(problems, "embedded-broker.port", embeddedBroker.port);
    if (embeddedBroker.messageSizeBytes < 8192) {
      problems.add("embedded-broker.message-size-bytes must be >= 8192, was " + embeddedBroker.messageSizeBytes);
    }
    embeddedBroker.passwordFile.ifPresent(f -> {
      if (!Files.isReadable(f)) problems.add("embedded-broker.password-file '" + f + "' is not a readable file");
    });
    influx.url.ifPresent(u -> uri(problems, "influx.url", u, List.of("http", "https")));
    if (influx.database.isBlank()) problems.add("influx.database must not be empty");
    if (influx.batchSize < 1) problems.add("influx.batch-size must be >= 1, was " + influx.batchSize);
    positive(problems, "influx.flush-interval", influx.flushInterval);
    positive(problems, "influx.ping-timeout", influx.pingTimeout);
    positive(problems, "line-protocol.flush-interval", lineProtocolFlushInterval);
    positive(problems, "device.heartbeat-interval", device.heartbeatInterval);
    if (device.offlineAfterMissedHeartbeats < 1) {
      problems.add("device.offline-after-missed-heartbeats must be >= 1, was " + device.offlineAfterMissedHeartbeats);
    }
    positive(problems, "job.inference-timeout", job.inferenceTimeout);
    if (job.replyGrace.isNegative()) problems.add("job.reply-grace must be >= 0");
    if (job.maxCount < 1) problems.add("job.max-count must be >= 1, was " + job.maxCount);
    positive(problems, "experiments.progress-interval", experiments.progressInterval);
    if (experiments.maxRunning < 1) {
      problems.add("experiments.dispatcher.thread-pool-executor.fixed-pool-size must be >= 1, was " + experiments.maxRunning);
    }
  }

  /** Root of the experiment run folders: {@code <data-dir>/experiments}. */
  public Path experimentsDir() {
    return dataDir.resolve("experiments");
  }

  /** URL of the embedded broker once it listens on {@code port}. */
  public String embeddedBrokerUrl(int boundPort) {
    return "tcp://" + embeddedBroker.host + ":" + boundPort;
  }

  private static Optional<String> optional(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
  }

  private static void port(List<String> problems, String key, int port) {
    if (port < 0 || port > 65535) problems.add(key + " must be in 0..65535, was " + port);
  }

  private static void positive(List<String> problems, String key, Duration d) {
    if (d.isZero() || d.isNegative()) problems.add(key + " must be > 0, was " + d);
  }

  private static void uri(List<String> problems, String key, String value, List<String> schemes) {
    try {
      URI u = new URI(value);
      if (u.getScheme() == null || !schemes.contains(u.getScheme()) || u.getHost() == null) {
        problems.add(key + " must look like " + schemes.get(0) + "://host:port, was '" + value + "'");
      }
    } catch (java.net.URISyntaxException e) {
      problems.add(key + " is not a valid URL: '" + value + "'");
    }
  }
}
