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
    assertThat(Topics.meterCommands("ina-1")).isEqualTo("testbed/v1/meters/ina-1/commands");
    assertThat(Topics.parseMeterTopic(Topics.meterReplies("ina-1"))).contains(new Topics.MeterTopic("ina-1", "replies"));
    assertThat(Topics.parseMeterTopic("testbed/v1/meters/ina-1")).isEmpty();
    assertThat(Topics.parseMeter(Topics.meterReplies("ina-1"))).isEmpty();
  }

  @Test
  void clockEchoRefusesARemoteClockRunningBackwards() {
    ClockProbe p = new ClockProbe(1, "phone-1", 10, "p1");
    assertThatThrownBy(() -> ClockEcho.of(p, 20, 19)).hasMessageContaining("t2 must be >= t1");
    assertThat(ClockEcho.of(p, 20, 25).t0()).isEqualTo(10);
  }

  @Test
  void refusesWildcardsInIds() {
    assertThatThrownBy(() -> Topics.hello("a/+")).hasMessageContaining("not a valid id");
    assertThatThrownBy(() -> Topics.hello("#")).hasMessageContaining("not a valid id");
  }
}
