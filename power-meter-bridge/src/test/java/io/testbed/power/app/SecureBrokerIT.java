package io.testbed.power.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.power.adapter.mqtt.MqttConnection;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.testsupport.FreePorts;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge's broker options for real: a Mosquitto with a TLS listener (certificate from a CA made here with openssl)
 * and a password file; the bridge connects with ssl://, the CA file and credentials.
 */
class SecureBrokerIT {
  @TempDir static Path dir;
  private static Process mosquitto;
  private static int port;

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("setup.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + Files.readString(dir.resolve("setup.log")));
    }
  }

  @BeforeAll
  static void startTlsBroker() throws Exception {
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=testbed-test-ca", "-keyout", "ca.key", "-out", "ca.pem");
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-extfile", "san.ext", "-out", "server.pem");
    run("/usr/bin/mosquitto_passwd", "-b", "-c", "passwd", "bridge", "s3cret");
    port = FreePorts.find();
    String conf = String.join("\n",
        "per_listener_settings false",
        "allow_anonymous false",
        "password_file " + dir.resolve("passwd"),
        "persistence false",
        "listener " + port + " 127.0.0.1",
        "cafile " + dir.resolve("ca.pem"),
        "certfile " + dir.resolve("server.pem"),
        "keyfile " + dir.resolve("server.key"),
        "log_dest stdout",
        "root".equals(System.getProperty("user.name")) ? "user root" : "",
        "");
    Files.writeString(dir.resolve("mosquitto.conf"), conf);
    mosquitto = new ProcessBuilder("/usr/sbin/mosquitto", "-c", dir.resolve("mosquitto.conf").toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      if (!mosquitto.isAlive()) throw new IllegalStateException("mosquitto exited:\n" + Files.readString(dir.resolve("mosquitto.log")));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (java.io.IOException e) {
        return false;
      }
    });
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (mosquitto != null) {
      mosquitto.destroy();
      if (!mosquitto.waitFor(5, TimeUnit.SECONDS)) mosquitto.destroyForcibly();
    }
  }

  private static Config bridgeConfig(String password) {
    return ConfigFactory.parseString("""
        testbed.power-bridge {
          broker = "ssl://127.0.0.1:%d"
          username = bridge
          password = "%s"
          tls-ca-file = "%s"
          client-id = "power-bridge-tls"
          connect-timeout = 5s
          meters = [ { id = "tls-model", type = modelled, device = "edge-box-1", rate-hz = 50, utilisation = constant, constant-utilisation = 0.5,
                       idle-w = 1.0, busy-w = 3.0 } ]
        }
        """.formatted(port, password, dir.resolve("ca.pem").toString().replace(File.separatorChar, '/')))
        .withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void bridgePublishesOverTlsWithCredentials() throws Exception {
    MqttConnection conn = new MqttConnection("ssl://127.0.0.1:" + port, "bridge", "s3cret", dir.resolve("ca.pem").toString());
    MqttClient sub = new MqttClient(conn.url(), "tls-subscriber", new MemoryPersistence());
    sub.connect(conn.options(100, 5));
    List<PowerSampleBatch> got = new CopyOnWriteArrayList<>();
    sub.subscribe(Topics.ALL_METER_POWER, 0, (t, m) -> got.add(WireCodec.decode(m.getPayload(), PowerSampleBatch.class)));
    try (PowerBridge bridge = PowerBridge.start(bridgeConfig("s3cret"))) {
      await().atMost(Duration.ofSeconds(15)).until(() -> !got.isEmpty());
      assertThat(bridge.status("tls-model").orElseThrow().failures()).isZero();
    } finally {
      sub.disconnect();
      sub.close();
    }
    assertThat(got.get(0).source()).isEqualTo(PowerSource.MODELLED);
    assertThat(got.get(0).samples().get(0).powerW()).isEqualTo(2.0); // 1 + 0.5 x (3 - 1)
  }

  @Test
  void wrongPasswordOrUntrustedCaIsRefusedAtStart() throws Exception {
    assertThatThrownBy(() -> PowerBridge.start(bridgeConfig("wrong"))).isInstanceOf(MqttException.class);
    Path otherCa = dir.resolve("other-ca.pem");
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=someone-else", "-keyout", "other.key", "-out",
        otherCa.toString());
    Config untrusted = ConfigFactory.parseString("testbed.power-bridge.tls-ca-file = \"" + otherCa.toString().replace(File.separatorChar, '/') + "\"")
        .withFallback(bridgeConfig("s3cret")).resolve();
    assertThatThrownBy(() -> PowerBridge.start(untrusted)).isInstanceOf(MqttException.class);
    Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
    Config noCert = ConfigFactory.parseString("testbed.power-bridge.tls-ca-file = \"" + dir.resolve("empty.pem").toString().replace(File.separatorChar, '/') + "\"")
        .withFallback(bridgeConfig("s3cret")).resolve();
    assertThatThrownBy(() -> PowerBridge.start(noCert)).hasMessageContaining("tls-ca-file");
  }
}
