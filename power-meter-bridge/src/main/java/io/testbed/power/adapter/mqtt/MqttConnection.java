package io.testbed.power.adapter.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

/**
 * How to reach an MQTT broker: URL, optional credentials and an optional CA certificate (PEM) for {@code ssl://} URLs.
 *
 * @param username empty for anonymous
 * @param tlsCaFile empty to use the JVM's default trust store
 */
public record MqttConnection(String url, String username, String password, String tlsCaFile) {
  public MqttConnection {
    if (url == null || url.isBlank()) throw new IllegalArgumentException("broker URL is required");
    username = username == null ? "" : username;
    password = password == null ? "" : password;
    tlsCaFile = tlsCaFile == null ? "" : tlsCaFile;
  }

  /** Paho options for this broker: credentials and TLS, clean session, and a high in-flight limit (STACK.md gotcha 4). */
  public MqttConnectOptions options(int maxInflight, int connectTimeoutS) {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setMaxInflight(maxInflight);
    o.setConnectionTimeout(connectTimeoutS);
    o.setKeepAliveInterval(30);
    if (!username.isEmpty()) {
      o.setUserName(username);
      o.setPassword(password.toCharArray());
    }
    if (!tlsCaFile.isEmpty()) o.setSocketFactory(socketFactory(Path.of(tlsCaFile)));
    return o;
  }

  /** An SSL socket factory trusting exactly the CA certificates in a PEM file. */
  static SSLSocketFactory socketFactory(Path caPem) {
    try (InputStream in = Files.newInputStream(caPem)) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca-" + i++, c);
      if (i == 0) throw new IllegalArgumentException("tls-ca-file " + caPem + " holds no certificate");
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("tls-ca-file " + caPem + ": " + e.getMessage(), e);
    }
  }
}
