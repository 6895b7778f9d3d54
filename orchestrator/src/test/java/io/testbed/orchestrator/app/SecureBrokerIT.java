package io.testbed.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.testbed.orchestrator.FakeDevice;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.RestClient;
import io.testbed.testsupport.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT credentials and TLS against a real Mosquitto: a TLS-only listener with a test CA (openssl) and a password file
 * (mosquitto_passwd), anonymous clients refused.
 */
class SecureBrokerIT {
  @TempDir static Path dir;
  static Process mosquitto;
  static int port;

  @BeforeAll
  static void startBroker() throws Exception {
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=testbed-test-ca");
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
        "/CN=127.0.0.1");
    Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "server.pem", "-days", "2", "-extfile", "ext.cnf");
    run("mosquitto_passwd", "-b", "-c", "passwd", "orch", "orch-pw");
    run("mosquitto_passwd", "-b", "passwd", "phone-tls", "phone-pw");
    port = FreePorts.find();
    Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
        "listener " + port + " 127.0.0.1",
        "cafile " + dir.resolve("ca.pem"),
        "certfile " + dir.resolve("server.pem"),
        "keyfile " + dir.resolve("server.key"),
        "allow_anonymous false",
        "password_file " + dir.resolve("passwd"),
        "persistence false",
        "user root", // running as root in CI: do not drop privileges, the temp dir is private
        "log_dest stdout", ""));
    mosquitto = new ProcessBuilder("/usr/sbin/mosquitto", "-c", dir.resolve("mosquitto.conf").toString())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      if (!mosquitto.isAlive()) throw new IllegalStateException("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException e) {
        return false;
      }
    });
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (mosquitto != null) {
      mosquitto.destroy();
      mosquitto.waitFor(5, TimeUnit.SECONDS);
    }
  }

  static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
  }

  static RunningOrchestrator start(String password) {
    return Orchestrator.start(ConfigFactory.parseMap(Map.of(
        "testbed.orchestrator.http.port", 0,
        "testbed.orchestrator.mqtt.url", "ssl://127.0.0.1:" + port,
        "testbed.orchestrator.mqtt.username", "orch",
        "testbed.orchestrator.mqtt.password", password,
        "testbed.orchestrator.mqtt.tls-ca-file", dir.resolve("ca.pem").toString(),
        "testbed.orchestrator.mqtt.connect-retry", "300ms",
        "testbed.orchestrator.data-dir", dir.resolve("runs").toString())));
  }

  @Test
  void connectsWithTlsAndCredentialsAndSeesDevices() throws Exception {
    RunningOrchestrator o = start("orch-pw");
    try {
      RestClient rest = new RestClient(o.restUrl());
      await().atMost(Duration.ofSeconds(10))
          .until(() -> rest.get("/api/v1/health").json().path("broker").path("connected").asBoolean());
      assertThat(rest.get("/api/v1/health").json().path("broker").path("url").asText()).isEqualTo("ssl://127.0.0.1:" + port);
      SSLContext tls = trusting(dir.resolve("ca.pem"));
      try (FakeDevice phone = FakeDevice.start("ssl://127.0.0.1:" + port, Fixtures.phoneHello("phone-tls"), opts -> {
        opts.setUserName("phone-tls");
        opts.setPassword("phone-pw".toCharArray());
        opts.setSocketFactory(tls.getSocketFactory());
      })) {
        await().atMost(Duration.ofSeconds(10))
            .until(() -> rest.get("/api/v1/devices/phone-tls").json().path("status").asText().equals("online"));
        String jobId = rest.post("/api/v1/jobs",
            "{\"deviceId\":\"phone-tls\",\"model\":\"mobilenet\",\"target\":\"cpu\",\"count\":2}", null).json().path("jobId").asText();
        await().atMost(Duration.ofSeconds(15))
            .until(() -> rest.get("/api/v1/jobs/" + jobId).json().path("status").asText().equals("completed"));
        assertThat(rest.get("/api/v1/jobs/" + jobId).json().path("summary").path("ok").asInt()).isEqualTo(2);
      }
    } finally {
      o.stop().toCompletableFuture().get();
    }
  }

  @Test
  void aWrongPasswordLeavesTheOrchestratorUpButDegraded() throws Exception {
    RunningOrchestrator o = start("wrong");
    try {
      RestClient rest = new RestClient(o.restUrl());
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
          .until(() -> !rest.get("/api/v1/health").json().path("broker").path("connected").asBoolean());
      RestClient.Answer health = rest.get("/api/v1/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().path("status").asText()).isEqualTo("degraded");
      assertThat(health.json().path("broker").path("connected").asBoolean()).isFalse();
    } finally {
      o.stop().toCompletableFuture().get();
    }
  }

  static SSLContext trusting(Path caPem) throws Exception {
    java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
    ks.load(null, null);
    try (var in = Files.newInputStream(caPem)) {
      ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
