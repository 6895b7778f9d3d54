package io.testbed.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTest {
  @Test
  void buildsAndParsesDeviceTopics() {
    assertThat(Topics.hello("phone-1")).isEqualTo("testbed/v1/devices/phone-1/hello");
    assertThat(Topics.heartbeat("phone-1")).isEqualTo("testbed/v1/devices/phone-1/telemetry/heartbeat");
    assertThat(Topics.parseDevice(Topics.heartbeat("phone-1")))
        .contains(new Topics.DeviceTopic("phone-1", "telemetry", "heartbeat"));
    assertThat(Topics.parseDevice(Topics.replies("x"))).contains(new Topics.DeviceTopic("x", "replies", null));
    assertThat(Topics.parseDevice("other/topic")).isEmpty();
    assertThat(Topics.parseMeter(Topics.meterPower("ina-1"))).contains("ina-1");
  }

  @Test
  void refusesWildcardsInIds() {
    assertThatThrownBy(() -> Topics.hello("a/+")).hasMessageContaining("not a valid id");
    assertThatThrownBy(() -> Topics.hello("#")).hasMessageContaining("not a valid id");
  }
}
