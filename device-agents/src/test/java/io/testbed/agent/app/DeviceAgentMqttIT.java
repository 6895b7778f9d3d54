package io.testbed.agent.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.testing.MoquetteBroker;
import io.testbed.agent.testing.MqttProbe;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import io.testbed.inference.ThreadSettings;
import io.testbed.protocol.DeviceStatus;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real agent on real brokers: an in-process Moquette and a Mosquitto process; a separate Paho client plays the orchestrator. */
@ExtendWith(RealServers.class)
class DeviceAgentMqttIT {
  private static MoquetteBroker moquette;
  private static InferenceEngine reference;

  @BeforeAll
  static void setUp() {
    moquette = MoquetteBroker.start();
    reference = new InferenceEngine(ModelZoo.of(List.of("mlp")), ThreadSettings.single());
  }

  @AfterAll
  static void tearDown() {
    moquette.close();
    reference.close();
  }

  static AgentSettings settings(String id, String broker) {
    return AgentSettings.load(Map.of(
        "testbed.agent.id", id,
        "testbed.agent.profile", "phone",
        "testbed.agent.models", List.of("mlp"),
        "testbed.agent.mqtt.broker", broker,
        // the agent shares the test JVM: capping it would cap the test and the broker too
        "testbed.agent.cpu-cap.enabled", false));
  }

  @Test
  void agentOnMoquette() throws Exception {
    // Moquette 0.17 delivers stored retained messages with the RETAIN flag cleared: retention is shown by a late subscriber
    exercise("moq-phone", moquette.url(), false);
  }

  @Test
  void agentOnMosquitto(Mosquitto mosquitto) throws Exception {
    exercise("mosq-phone", mosquitto.url(), true);
  }

  @Test
  void lastWillOnMoquetteWhenTheAgentProcessIsKilled() throws Exception {
    lastWill("moq-killed", moquette.url());
  }

  @Test
  void lastWillOnMosquittoWhenTheAgentProcessIsKilled(Mosquitto mosquitto) throws Exception {
    lastWill("mosq-killed", mosquitto.url());
  }

  private void exercise(String id, String url, boolean brokerFlagsRetained) throws Exception {
    try (MqttProbe early = new MqttProbe(url, Topics.hello(id));
        RunningAgent agent = DeviceAgent.start(settings(id, url))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> !early.messages(Topics.hello(id), Hello.class).isEmpty());
      try (MqttProbe probe = new MqttProbe(url, Topics.hello(id), Topics.state(id), Topics.replies(id), Topics.heartbeat(id), Topics.power(id))) {
        // retained: this probe subscribed after the broker had passed the hello on
        await().atMost(Duration.ofSeconds(10)).until(() -> !probe.messages(Topics.hello(id), Hello.class).isEmpty()
            && !probe.messages(Topics.state(id), State.class).isEmpty());
        if (brokerFlagsRetained) {
          assertThat(probe.on(Topics.hello(id)).get(0).retained()).isTrue();
          assertThat(probe.on(Topics.state(id)).get(0).retained()).isTrue();
        }
        assertThat(probe.messages(Topics.state(id), State.class).get(0).status()).isEqualTo(DeviceStatus.ONLINE);
        Hello hello = probe.messages(Topics.hello(id), Hello.class).get(0);
        assertThat(hello.deviceId()).isEqualTo(id);
        assertThat(hello.targets()).extracting(t -> t.id()).contains("cpu", "gpu", "dsp");

        InferenceCommand c1 = new InferenceCommand(SchemaVersion.CURRENT, id, 1, id + "-c1", "mlp", "cpu", Precision.FP32, 3, 11, null, null, null, 10_000);
        probe.publish(Topics.commands(id), WireCodec.encode(c1));
        await().atMost(Duration.ofSeconds(20)).until(() -> !probe.messages(Topics.replies(id), InferenceResult.class).isEmpty());
        InferenceResult r = probe.messages(Topics.replies(id), InferenceResult.class).get(0);
        assertThat(r.correlationId()).isEqualTo(id + "-c1");
        assertThat(r.outcome()).isEqualTo(Outcome.OK);
        assertThat(r.outputDigest()).isEqualTo(
            reference.run("mlp", Precision.FP32, InferenceEngine.syntheticInput(reference.zoo().model("mlp"), 3, 11), 3).digest());

        probe.publish(Topics.commands(id), new byte[] {(byte) 0xff, 0x00, 0x13, 0x37});
        await().atMost(Duration.ofSeconds(10)).until(() -> !probe.messages(Topics.replies(id), ErrorReply.class).isEmpty());
        ErrorReply e = probe.messages(Topics.replies(id), ErrorReply.class).get(0);
        assertThat(e.code()).isEqualTo("bad-command");
        assertThat(e.correlationId()).isNull();
        assertThat(agent.malformedCommands()).isEqualTo(1);

        InferenceCommand c2 = new InferenceCommand(SchemaVersion.CURRENT, id, 1, id + "-c2", "mlp", "dsp", Precision.INT8, 1, 5, null, null, null, 10_000);
        probe.publish(Topics.commands(id), WireCodec.encode(c2));
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.messages(Topics.replies(id), InferenceResult.class).size() == 2);
        InferenceResult r2 = probe.messages(Topics.replies(id), InferenceResult.class).get(1);
        assertThat(r2.correlationId()).isEqualTo(id + "-c2");
        assertThat(r2.outcome()).isEqualTo(Outcome.OK);
        assertThat(agent.connected()).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> !probe.messages(Topics.heartbeat(id), Heartbeat.class).isEmpty()
            && !probe.messages(Topics.power(id), PowerSampleBatch.class).isEmpty());
        PowerSampleBatch b = probe.messages(Topics.power(id), PowerSampleBatch.class).get(0);
        assertThat(b.source()).isEqualTo(PowerSource.MODELLED);
        assertThat(b.sampleRateHz()).isEqualTo(10);
        assertThat(b.meterId()).isEqualTo(id + "-model");
        assertThat(b.samples()).isNotEmpty();

        agent.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          List<State> s = probe.messages(Topics.state(id), State.class);
          return s.get(s.size() - 1).status() == DeviceStatus.OFFLINE;
        });
      }
    }
  }

  /**
   * As root (cgroup v1 writable) a phone agent process caps itself: its hello says so and the kernel has it in the
   * device's group; SIGTERM makes it publish offline and remove the group. Without root, its hello says the cap is
   * not enforced.
   */
  @Test
  void agentProcessCapsItsCpuAndCleansUpOnSigterm(Mosquitto mosquitto) throws Exception {
    String id = "capped-" + ProcessHandle.current().pid();
    Path root = Path.of("/sys/fs/cgroup/cpu");
    boolean canCap = Files.isWritable(root) && Files.exists(root.resolve("cpu.cfs_quota_us"));
    Path log = Files.createTempFile("agent-" + id, ".log");
    Process p = agentProcess(id, mosquitto.url(), log, "--profile", "phone");
    try (MqttProbe probe = new MqttProbe(mosquitto.url(), Topics.state(id), Topics.hello(id))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !probe.messages(Topics.hello(id), Hello.class).isEmpty() || !p.isAlive());
      assertThat(p.isAlive()).as("agent process alive; log:%n%s", Files.readString(log)).isTrue();
      Hello hello = probe.messages(Topics.hello(id), Hello.class).get(0);
      Path group = root.resolve("testbed").resolve(id);
      if (canCap) {
        assertThat(hello.notes()).anyMatch(n -> n.contains("cpu capped at 0.35"));
        double quota = Double.parseDouble(Files.readString(group.resolve("cpu.cfs_quota_us")).trim());
        double period = Double.parseDouble(Files.readString(group.resolve("cpu.cfs_period_us")).trim());
        assertThat(quota / period).isEqualTo(0.35, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(Files.readString(Path.of("/proc/" + p.pid() + "/cgroup"))).contains("/testbed/" + id);
      } else {
        assertThat(hello.notes()).anyMatch(n -> n.contains("cpu cap not enforced"));
      }
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("agent exits on SIGTERM").isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        List<State> s = probe.messages(Topics.state(id), State.class);
        return !s.isEmpty() && s.get(s.size() - 1).status() == DeviceStatus.OFFLINE;
      });
      assertThat(group).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }

  /** Starts an agent as its own JVM, as the launcher does. */
  private static Process agentProcess(String id, String url, Path log, String... extra) throws Exception {
    Path args = Files.createTempFile("agent-args", ".txt");
    args.toFile().deleteOnExit();
    // an @argfile keeps the command line short: ONNX Runtime 1.29 crashes at start-up under a very long one
    Files.writeString(args, "-cp\n\"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n", StandardCharsets.UTF_8);
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "@" + args,
        DeviceAgentCommand.class.getName(), "--id", id, "--models", "mlp", "--broker", url));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Starts the agent as its own JVM (as the launcher does), kills it with SIGKILL, expects the broker's last will. */
  private void lastWill(String id, String url) throws Exception {
    Path log = Files.createTempFile("agent-" + id, ".log");
    Process p = agentProcess(id, url, log, "--profile", "sensor-node", "--no-cpu-cap");
    try (MqttProbe probe = new MqttProbe(url, Topics.state(id), Topics.hello(id))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> (probe.messages(Topics.state(id), State.class).stream()
          .anyMatch(s -> s.status() == DeviceStatus.ONLINE) && !probe.messages(Topics.hello(id), Hello.class).isEmpty()) || !p.isAlive());
      assertThat(p.isAlive()).as("agent process alive; log:%n%s", Files.readString(log)).isTrue();
      assertThat(probe.messages(Topics.hello(id), Hello.class)).isNotEmpty();
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> probe.messages(Topics.state(id), State.class).stream()
          .anyMatch(s -> s.status() == DeviceStatus.OFFLINE));
    } finally {
      p.destroyForcibly();
    }
  }
}
