package io.testbed.agent.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.agent.config.AgentSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentOptionsTest {
  @TempDir Path tmp;

  private static AgentSettings parse(String... args) {
    DeviceAgentCommand cmd = new DeviceAgentCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.options.agentSettings();
  }

  @Test
  void defaultsNameTheDeviceAfterItsProfile() {
    AgentSettings s = parse("--profile", "edge-box");
    assertThat(s.deviceId()).isEqualTo("edge-box-1");
    assertThat(s.mqtt().brokerUrl()).isEqualTo("tcp://127.0.0.1:1883");
    assertThat(s.cpuCap().enabled()).isTrue();
  }

  @Test
  void flagsOverrideTheConfigFileWhichOverridesDefaults() throws Exception {
    Path conf = tmp.resolve("lab.conf");
    Files.writeString(conf, """
        testbed.agent {
          profile = sensor-node
          heartbeat-interval = 5s
          mqtt.broker = "tcp://from-file:1883"
          profiles.jetson-nano = ${testbed.agent.profiles.edge-box} { cpu-share = 1.0 }
        }
        """);
    AgentSettings s = parse("--config", conf.toString(), "--broker", "ssl://broker.lab:8883", "--username", "dev",
        "--password", "pw", "--tls-ca", "/etc/ca.pem", "--models", "mlp,mobilenet", "--no-cpu-cap", "--id", "node-7");
    assertThat(s.profile().name()).isEqualTo("sensor-node");
    assertThat(s.heartbeatInterval()).hasSeconds(5);
    assertThat(s.mqtt().brokerUrl()).isEqualTo("ssl://broker.lab:8883");
    assertThat(s.mqtt().username()).isEqualTo("dev");
    assertThat(s.mqtt().tls().caFile()).isEqualTo("/etc/ca.pem");
    assertThat(s.models()).containsExactly("mlp", "mobilenet");
    assertThat(s.cpuCap().enabled()).isFalse();
    assertThat(s.deviceId()).isEqualTo("node-7");

    AgentSettings jetson = parse("--config", conf.toString(), "--profile", "jetson-nano", "--real");
    assertThat(jetson.profile().cpuShare()).isEqualTo(1.0);
    assertThat(jetson.profile().target("gpu")).isPresent();
    assertThat(jetson.emulated()).isFalse();
    assertThat(jetson.wantsCpuCap()).isFalse();
  }

  @Test
  void unreadableConfigFileIsNamed() {
    assertThatThrownBy(() -> parse("--config", tmp.resolve("missing.conf").toString())).hasMessageContaining("--config");
  }

  @Test
  void shaperFlags() {
    AgentSettings s = parse("--shaper", "tc", "--tc-device", "wlan0");
    assertThat(s.autoscale().shaper()).isEqualTo("tc");
    assertThat(s.autoscale().tcDevice()).isEqualTo("wlan0");
    assertThat(parse().autoscale().shaper()).isEqualTo("relay");
    assertThatThrownBy(() -> parse("--shaper", "netem")).hasMessageContaining("relay, tc or none");
  }

  @Test
  void profileFileMergesFittedPowerOverTheProfile() throws Exception {
    Path fit = tmp.resolve("profile-fit.conf");
    Files.writeString(fit, """
        testbed.agent.profiles."phone" {
          power { idle-w = 0.7500 }
          targets = [ { id = "gpu", busy-w = [2.4000] } ]
        }
        """);
    AgentSettings s = parse("--profile", "phone", "--id", "phone-9", "--profile-file", fit.toString());
    assertThat(s.deviceId()).isEqualTo("phone-9");
    assertThat(s.profile().idleW()).isEqualTo(0.75);
    assertThat(s.profile().target("gpu").orElseThrow().busyW(null)).isEqualTo(2.4);
    assertThat(s.profile().target("cpu").orElseThrow().dvfsLevelsMHz()).hasSize(4);
    assertThatThrownBy(() -> parse("--profile-file", tmp.resolve("missing.conf").toString()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--profile-file");
  }
}
