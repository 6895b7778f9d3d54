package io.testbed.agent.adapter.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testbed.agent.app.DeviceAgent;
import io.testbed.agent.app.RunningAgent;
import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.MqttSettings;
import io.testbed.agent.testing.MosquittoProcess;
import io.testbed.protocol.Hello;
import io.testbed.protocol.MalformedMessageException;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.testsupport.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent on a Mosquitto that requires TLS and a user name and password, as a lab broker would: certificates made
 * with openssl for this test, the agent trusting the CA through {@code mqtt.tls.ca-file}.
 */
class TlsBrokerIT {
  private static Path dir;
  private static MosquittoProcess broker;
  private static int port;

  @BeforeAll
  static void startBroker() throws Exception {
    dir = Files.createTempDirectory("tls-broker-");
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=testbed-test-ca");
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
    Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
    run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
        "-days", "2", "-extfile", "ext.cnf");
    Files.writeString(dir.resolve("passwd"), "");
    run("mosquitto_passwd", "-b", "passwd", "agent", "s3cret");
    broker = new MosquittoProcess(dir, FreePorts.find(), List.of(
        "cafile " + dir.resolve("ca.pem"),
        "certfile " + dir.resolve("server.pem"),
        "keyfile " + dir.resolve("server.key"),
        "allow_anonymous false",
        "password_file " + dir.resolve("passwd"))).start();
    port = broker.port();
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) broker.close();
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
      }
    }
  }

  @Test
  void agentConnectsWithTlsAndCredentialsAndAnnouncesItself() throws Exception {
    String url = "ssl://127.0.0.1:" + port;
    AgentSettings s = AgentSettings.load(Map.of(
        "testbed.agent.id", "tls-phone",
        "testbed.agent.models", List.of("mlp"),
        "testbed.agent.cpu-cap.enabled", false,
        "testbed.agent.mqtt.broker", url,
        "testbed.agent.mqtt.username", "agent",
        "testbed.agent.mqtt.password", "s3cret",
        "testbed.agent.mqtt.tls.ca-file", dir.resolve("ca.pem").toString()));
    MqttSettings.Tls tls = s.mqtt().tls();
    List<Hello> hellos = new CopyOnWriteArrayList<>();
    MqttClient probe = new MqttClient(url, "tls-probe", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setUserName("agent");
    o.setPassword("s3cret".toCharArray());
    o.setSocketFactory(TlsSocketFactories.create(tls));
    probe.connect(o);
    probe.subscribe(Topics.hello("tls-phone"), 1, (topic, m) -> {
      try {
        hellos.add(WireCodec.decode(m.getPayload(), Hello.class));
      } catch (MalformedMessageException e) {
        throw new AssertionError(e);
      }
    });
    try (RunningAgent agent = DeviceAgent.start(s)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !hellos.isEmpty());
      assertThat(hellos.get(0).deviceId()).isEqualTo("tls-phone");
      assertThat(agent.connected()).isTrue();
    } finally {
      probe.disconnect();
      probe.close();
    }

    // the same broker refuses a client without the password
    MqttClient anonymous = new MqttClient(url, "tls-anon", new MemoryPersistence());
    MqttConnectOptions a = new MqttConnectOptions();
    a.setSocketFactory(TlsSocketFactories.create(tls));
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> anonymous.connect(a))).isInstanceOf(MqttException.class);
    anonymous.close();
  }

  @Test
  void unreadableTlsMaterialIsNamed() {
    MqttSettings.Tls bad = new MqttSettings.Tls(dir.resolve("nope.pem").toString(), "", "", "");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> TlsSocketFactories.create(bad)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.pem");
  }
}
