package io.testbed.agent.adapter.mqtt;

import io.testbed.agent.config.MqttSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds the SSLSocketFactory for a TLS broker connection from a CA (PEM or truststore) and an optional client keystore. */
public final class TlsSocketFactories {
  private TlsSocketFactories() {}

  /** Throws IllegalArgumentException naming the file when TLS material cannot be read. */
  public static SSLSocketFactory create(MqttSettings.Tls tls) {
    try {
      TrustManagerFactory tmf = null;
      if (!tls.caFile().isEmpty()) {
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore(Path.of(tls.caFile()), tls.truststorePassword()));
      }
      KeyManagerFactory kmf = null;
      if (!tls.clientKeystore().isEmpty()) {
        char[] pw = tls.clientKeystorePassword().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(tls.clientKeystore()))) {
          ks.load(in, pw);
        }
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("mqtt.tls: cannot load TLS material (ca-file '" + tls.caFile() + "', client-keystore '"
          + tls.clientKeystore() + "'): " + e.getMessage(), e);
    }
  }

  /** A PEM file of one or more certificates, or a PKCS12/JKS truststore. */
  static KeyStore trustStore(Path file, String password) throws IOException, GeneralSecurityException {
    byte[] bytes = Files.readAllBytes(file);
    if (new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.US_ASCII).contains("-----BEGIN")) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(bytes))) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) throw new GeneralSecurityException("no certificate in " + file);
      return ks;
    }
    KeyStore ks = KeyStore.getInstance(file.toString().endsWith(".jks") ? "JKS" : "PKCS12");
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      ks.load(in, password.isEmpty() ? null : password.toCharArray());
    }
    return ks;
  }
}
