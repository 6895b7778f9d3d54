package io.testbed.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.Precision;
import io.testbed.protocol.TargetKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {
  @ParameterizedTest
  @CsvSource({"phone, PHONE, 0.35, 3", "edge-box, EDGE, 0.7, 2", "sensor-node, SENSOR, 0.2, 2", "cloud, CLOUD, 1.0, 1"})
  void everyShippedProfileLoadsAndValidates(String name, DeviceKind kind, double share, int targets) {
    AgentSettings s = AgentSettings.load(Map.of("testbed.agent.profile", name));
    assertThat(s.deviceId()).isEqualTo(name + "-1");
    assertThat(s.profile().kind()).isEqualTo(kind);
    assertThat(s.profile().cpuShare()).isEqualTo(share);
    assertThat(s.profile().targets()).hasSize(targets);
    assertThat(s.profile().target("cpu")).get().satisfies(cpu -> {
      assertThat(cpu.modelled()).isFalse();
      assertThat(cpu.kind()).isEqualTo(TargetKind.CPU);
    });
    assertThat(s.models()).isEqualTo(s.profile().models()).isNotEmpty();
  }

  @Test
  void defaultsComeFromReferenceConf() {
    AgentSettings s = AgentSettings.load(Map.of());
    assertThat(s.profile().name()).isEqualTo("phone");
    assertThat(s.mqtt().brokerUrl()).isEqualTo("tcp://127.0.0.1:1883");
    assertThat(s.mqtt().maxInflight()).isEqualTo(1000);
    assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.powerSampleRateHz()).isEqualTo(10);
    assertThat(s.powerPublishInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.emulated()).isTrue();
    assertThat(s.cpuCap().enabled()).isTrue();
    assertThat(s.cpuCap().periodUs()).isEqualTo(10_000);
    assertThat(s.endpoint()).isEmpty();
  }

  @Test
  void phoneHasModelledGpuAndInt8DspAndCpuDvfsLevels() {
    DeviceProfile p = AgentSettings.load(Map.of("testbed.agent.profile", "phone")).profile();
    assertThat(p.target("cpu").orElseThrow().dvfsLevelsMHz()).hasSizeGreaterThan(1);
    assertThat(p.target("gpu").orElseThrow().modelled()).isTrue();
    assertThat(p.target("dsp").orElseThrow().precision()).isEqualTo(Precision.INT8);
    assertThat(p.relativeSpeed(p.target("gpu").orElseThrow())).isEqualTo(0.35 * 2.5);
  }

  @Test
  void overridesWinAndModelsCanBeNarrowed() {
    AgentSettings s = AgentSettings.load(Map.of(
        "testbed.agent.id", "lab-phone-7",
        "testbed.agent.profile", "sensor-node",
        "testbed.agent.models", List.of("mlp"),
        "testbed.agent.mqtt.broker", "ssl://broker.lab:8883",
        "testbed.agent.mqtt.username", "agent",
        "testbed.agent.mqtt.password", "s3cret"));
    assertThat(s.deviceId()).isEqualTo("lab-phone-7");
    assertThat(s.models()).containsExactly("mlp");
    assertThat(s.mqtt().usesTls()).isTrue();
    assertThat(s.mqtt().hasCredentials()).isTrue();
    assertThat(s.mqtt().toString()).doesNotContain("s3cret");
  }

  @Test
  void badValuesAreRejectedNamingTheSetting() {
    assertThatThrownBy(() -> AgentSettings.load(Map.of("testbed.agent.profile", "toaster")))
        .hasMessageContaining("profile 'toaster' is not defined").hasMessageContaining("edge-box");
    assertThatThrownBy(() -> AgentSettings.load(Map.of("testbed.agent.id", "bad/id")))
        .hasMessageContaining("id");
    assertThatThrownBy(() -> AgentSettings.load(Map.of("testbed.agent.mqtt.broker", "localhost:1883")))
        .hasMessageContaining("mqtt.broker");
    assertThatThrownBy(() -> AgentSettings.load(Map.of("testbed.agent.heartbeat-interval", "0s")))
        .hasMessageContaining("heartbeat-interval");
    assertThatThrownBy(() -> AgentSettings.load(Map.of("testbed.agent.profiles.phone.targets.0.busy-w", List.of(1.0))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void targetNeedsOneBusyFigurePerLevel() {
    assertThatThrownBy(() -> new TargetProfile("cpu", TargetKind.CPU, Precision.FP32, 1.0, false, List.of(500, 1000), List.of(1.0)))
        .hasMessageContaining("busy-w needs 2");
    assertThatThrownBy(() -> new TargetProfile("cpu", TargetKind.CPU, Precision.FP32, 1.0, false, List.of(1000, 500), List.of(1.0, 2.0)))
        .hasMessageContaining("ascending");
  }
}
