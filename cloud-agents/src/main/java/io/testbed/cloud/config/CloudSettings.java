package io.testbed.cloud.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * Settings of the cloud agent's inference server, read once from {@code testbed.cloud} and validated at start.
 *
 * @param httpPort 0 for a free port
 * @param advertisedHost host name for the endpoint URL when the server binds a wildcard address; empty: {@code httpHost}
 * @param maxBodyBytes largest accepted request body
 * @param workers inference threads of the dedicated pool
 * @param queueCapacity requests waiting for a worker; beyond it the server answers 503
 */
public record CloudSettings(
    String defaultProfile,
    String httpHost,
    int httpPort,
    String advertisedHost,
    long maxBodyBytes,
    Duration requestTimeout,
    int workers,
    int queueCapacity) {
  public CloudSettings {
    if (defaultProfile == null || defaultProfile.isBlank()) throw new IllegalArgumentException("testbed.cloud.profile is required");
    if (httpHost == null || httpHost.isBlank()) throw new IllegalArgumentException("testbed.cloud.http.host is required");
    if (httpPort < 0 || httpPort > 65535) throw new IllegalArgumentException("testbed.cloud.http.port must be in [0, 65535], was " + httpPort);
    advertisedHost = advertisedHost == null ? "" : advertisedHost;
    if (maxBodyBytes < 1024) throw new IllegalArgumentException("testbed.cloud.http.max-body-size must be >= 1k, was " + maxBodyBytes);
    if (requestTimeout == null || requestTimeout.isZero() || requestTimeout.isNegative()) {
      throw new IllegalArgumentException("testbed.cloud.http.request-timeout must be > 0");
    }
    if (workers < 1) throw new IllegalArgumentException("testbed.cloud.workers must be >= 1, was " + workers);
    if (queueCapacity < 0) throw new IllegalArgumentException("testbed.cloud.queue-capacity must be >= 0, was " + queueCapacity);
  }

  public CloudSettings withPort(int port) {
    return new CloudSettings(defaultProfile, httpHost, port, advertisedHost, maxBodyBytes, requestTimeout, workers, queueCapacity);
  }

  public CloudSettings withHost(String host) {
    return new CloudSettings(defaultProfile, host, httpPort, advertisedHost, maxBodyBytes, requestTimeout, workers, queueCapacity);
  }

  public CloudSettings withPool(int workers, int queueCapacity) {
    return new CloudSettings(defaultProfile, httpHost, httpPort, advertisedHost, maxBodyBytes, requestTimeout, workers, queueCapacity);
  }

  /** The host for endpoint URLs: the advertised one, else the bound one, else (wildcard bind) this machine's name. */
  public String endpointHost() {
    if (!advertisedHost.isEmpty()) return advertisedHost;
    if (!httpHost.equals("0.0.0.0") && !httpHost.equals("::") && !httpHost.equals("[::]")) return httpHost;
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "127.0.0.1";
    }
  }

  public static CloudSettings fromConfig(Config root) {
    try {
      Config c = root.getConfig("testbed.cloud");
      return new CloudSettings(
          c.getString("profile"),
          c.getString("http.host"),
          c.getInt("http.port"),
          c.getString("http.advertised-host"),
          c.getBytes("http.max-body-size"),
          c.getDuration("http.request-timeout"),
          c.getInt("workers"),
          c.getInt("queue-capacity"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid cloud configuration: " + e.getMessage(), e);
    }
  }
}
