package io.testbed.agent.config;

import java.time.Duration;

/**
 * How the agent reaches its MQTT broker.
 *
 * @param brokerUrl {@code tcp://host:port} or {@code ssl://host:port}
 * @param username empty for anonymous
 * @param maxInflight Paho's in-flight window (its default of 10 fails bursts)
 * @param connectRetry delay between attempts of the first connection
 * @param offlineBuffer messages kept while disconnected after a first connection
 */
public record MqttSettings(
    String brokerUrl,
    String username,
    String password,
    Tls tls,
    int maxInflight,
    Duration keepAlive,
    Duration connectionTimeout,
    Duration connectRetry,
    int offlineBuffer) {
  public MqttSettings {
    if (brokerUrl == null || !brokerUrl.matches("(tcp|ssl|ws|wss)://.+")) {
      throw new IllegalArgumentException("mqtt.broker must look like tcp://host:port or ssl://host:port, was '" + brokerUrl + "'");
    }
    username = username == null ? "" : username;
    password = password == null ? "" : password;
    if (tls == null) tls = Tls.NONE;
    if (maxInflight < 1) throw new IllegalArgumentException("mqtt.max-inflight must be >= 1, was " + maxInflight);
    if (keepAlive.isNegative()) throw new IllegalArgumentException("mqtt.keep-alive must be >= 0");
    if (connectionTimeout.isNegative() || connectionTimeout.isZero()) throw new IllegalArgumentException("mqtt.connection-timeout must be > 0");
    if (connectRetry.isNegative() || connectRetry.isZero()) throw new IllegalArgumentException("mqtt.connect-retry must be > 0");
    if (offlineBuffer < 1) throw new IllegalArgumentException("mqtt.offline-buffer must be >= 1, was " + offlineBuffer);
  }

  public boolean hasCredentials() { return !username.isEmpty(); }

  /** True when the connection is TLS: an {@code ssl://} URL or any TLS file configured. */
  public boolean usesTls() { return brokerUrl.startsWith("ssl://") || brokerUrl.startsWith("wss://") || tls.configured(); }

  /** Returns a copy with another broker URL. */
  public MqttSettings withBroker(String url) {
    return new MqttSettings(url, username, password, tls, maxInflight, keepAlive, connectionTimeout, connectRetry, offlineBuffer);
  }

  /** TLS material: a CA (PEM certificate or truststore) and an optional client keystore (PKCS12) for mutual TLS. */
  public record Tls(String caFile, String truststorePassword, String clientKeystore, String clientKeystorePassword) {
    public static final Tls NONE = new Tls("", "", "", "");

    public Tls {
      caFile = caFile == null ? "" : caFile;
      truststorePassword = truststorePassword == null ? "" : truststorePassword;
      clientKeystore = clientKeystore == null ? "" : clientKeystore;
      clientKeystorePassword = clientKeystorePassword == null ? "" : clientKeystorePassword;
    }

    public boolean configured() { return !caFile.isEmpty() || !clientKeystore.isEmpty(); }
  }

  @Override
  public String toString() {
    return "MqttSettings[broker=" + brokerUrl + ", user=" + (username.isEmpty() ? "-" : username) + ", password=" + (password.isEmpty() ? "-" : "***")
        + ", tls=" + usesTls() + "]";
  }
}
