package io.testbed.agent.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.agent.config.AgentSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Command-line options shared by {@code device-agent} and {@code cloud-agent} (a picocli mixin). An option left out
 * keeps the value from {@code --config FILE}, the environment or {@code reference.conf}, in that order.
 */
public final class AgentOptions {
  @Option(names = "--id", description = "Device id (default: <profile>-1).")
  String id;

  @Option(names = "--profile", description = "Device profile: phone, edge-box, sensor-node, cloud, or one defined in --config.")
  String profile;

  @Option(names = "--broker", description = "MQTT broker URL, tcp://host:port or ssl://host:port (default tcp://127.0.0.1:1883).")
  String broker;

  @Option(names = "--username", description = "MQTT user name.")
  String username;

  @Option(names = "--password", description = "MQTT password (or env TESTBED_MQTT_PASSWORD).")
  String password;

  @Option(names = "--tls-ca", description = "CA certificate (PEM) or truststore for a TLS broker.")
  Path tlsCa;

  @Option(names = "--tls-keystore", description = "PKCS12 keystore with the client certificate for mutual TLS.")
  Path tlsKeystore;

  @Option(names = "--tls-keystore-password", description = "Password of --tls-keystore.")
  String tlsKeystorePassword;

  @Option(names = "--models", split = ",", description = "Models to load, comma-separated (default: the profile's).")
  List<String> models;

  @Option(names = "--config", description = "HOCON file layered over the defaults (testbed.agent { ... }).")
  Path config;

  @Option(names = "--profile-file", description = "HOCON profile fragment merged over the profiles (e.g. a calibration "
      + "run's profile-fit.conf: fitted idle-w and busy-w).")
  Path profileFile;

  @Option(names = "--no-cpu-cap", description = "Do not enforce the profile's CPU share with a cgroup cap.")
  boolean noCpuCap;

  @Option(names = "--real", description = "Run as the real device (no emulation: no CPU cap, thermal zones read).")
  boolean real;

  @Option(names = "--shaper", description = "Network shaper of the offload links: relay (default), tc or none.")
  String shaper;

  @Option(names = "--tc-device", description = "Interface the tc shaper shapes (with --shaper tc), e.g. wlan0.")
  String tcDevice;

  /** The profile given with {@code --profile}, or null. */
  public String profile() { return profile; }

  /** Uses {@code p} as the profile unless {@code --profile} was given (the cloud agent defaults to {@code cloud}). */
  public void defaultProfile(String p) {
    if (profile == null) profile = p;
  }

  /** The effective configuration: flags over {@code --config} over environment and defaults. */
  public Config config() {
    Map<String, Object> flags = new LinkedHashMap<>();
    String p = "testbed.agent.";
    if (id != null) flags.put(p + "id", id);
    if (profile != null) flags.put(p + "profile", profile);
    if (broker != null) flags.put(p + "mqtt.broker", broker);
    if (username != null) flags.put(p + "mqtt.username", username);
    if (password != null) flags.put(p + "mqtt.password", password);
    if (tlsCa != null) flags.put(p + "mqtt.tls.ca-file", tlsCa.toString());
    if (tlsKeystore != null) flags.put(p + "mqtt.tls.client-keystore", tlsKeystore.toString());
    if (tlsKeystorePassword != null) flags.put(p + "mqtt.tls.client-keystore-password", tlsKeystorePassword);
    if (models != null) flags.put(p + "models", models);
    if (noCpuCap) flags.put(p + "cpu-cap.enabled", false);
    if (real) flags.put(p + "emulated", false);
    if (shaper != null) flags.put(p + "network.shaper", shaper);
    if (tcDevice != null) flags.put(p + "network.tc.device", tcDevice);
    Config c = ConfigFactory.parseMap(flags);
    if (config != null) {
      if (!Files.isReadable(config)) throw new IllegalArgumentException("--config: cannot read " + config);
      c = c.withFallback(ConfigFactory.parseFile(config.toFile()));
    }
    Config resolved = c.withFallback(ConfigFactory.load()).resolve();
    return profileFile == null ? resolved : io.testbed.agent.config.ProfileOverlay.load(resolved, profileFile);
  }

  public AgentSettings agentSettings() { return AgentSettings.fromConfig(config()); }
}
