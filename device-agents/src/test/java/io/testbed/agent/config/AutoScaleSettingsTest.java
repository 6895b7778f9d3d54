package io.testbed.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.testbed.agent.network.RadioTechnology;
import io.testbed.agent.network.ShaperSchedule;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The AutoScale settings from reference.conf and overlays: shaper, default link, limits, radio, and every schedule type. */
class AutoScaleSettingsTest {
  private static AgentSettings load(String hocon) {
    return AgentSettings.fromConfig(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve());
  }

  @Test
  void defaults() {
    AutoScaleSettings a = AgentSettings.load(Map.of()).autoscale();
    assertThat(a.shaper()).isEqualTo("relay");
    assertThat(a.defaultLink().technology()).isEqualTo(RadioTechnology.WIFI);
    assertThat(a.defaultLink().rssiDbm()).isEqualTo(-55.0);
    assertThat(a.cloudLinks()).containsExactly("cloud*");
    assertThat(a.relay().rtoMinMs()).isEqualTo(200.0);
    assertThat(a.relay().queueBytes()).isEqualTo(4 << 20);
    assertThat(a.limits().maxDelayMs()).isEqualTo(10_000.0);
    assertThat(a.radio().get(RadioTechnology.LTE).tailMs()).isEqualTo(11576.0);
    assertThat(a.memoryBufferMb()).isEqualTo(64);
    assertThat(a.interferencePeriod()).isEqualTo(Duration.ofMillis(10));
    assertThat(a.int8AgreementEvery()).isEqualTo(1);
    assertThat(a.schedules()).isEmpty();
  }

  @Test
  void everyScheduleTypeParses() {
    AutoScaleSettings a = load("""
        testbed.agent.network.schedules = [
          { link = "cloud-1", type = constant, technology = lte, rssi-dbm = -100 }
          { link = "edge-1", type = steps, tick = 50ms, steps = [ { at = 0s, rssi-dbm = -50 }, { at = 2s, rssi-dbm = -85 } ], period = 4s }
          { link = "*", type = random-walk, start-dbm = -70, step-db = 2, interval = 1s, min-dbm = -95, max-dbm = -45, seed = 9 }
          { link = "edge-2", type = markov, levels-dbm = [-50, -85], transitions = [[0.8, 0.2], [0.3, 0.7]], start = 0, interval = 500ms, seed = 4 }
          { link = "cloud-2", type = trace, technology = lte, file = "classpath:traces/ATT-LTE-driving-2016.up", window = 1s, rssi-dbm = -80 }
        ]
        """).autoscale();
    assertThat(a.schedules()).extracting(ScheduleConfig.LinkSchedule::link).containsExactly("cloud-1", "edge-1", "*", "edge-2", "cloud-2");
    assertThat(a.schedules().get(0).schedule().at(0).rateMbps()).isEqualTo(5.5);
    assertThat(a.schedules().get(1).tick()).isEqualTo(Duration.ofMillis(50));
    assertThat(a.schedules().get(1).schedule().at(2500).rssiDbm()).isEqualTo(-85.0);
    assertThat(a.schedules().get(1).schedule().at(4500).rssiDbm()).isEqualTo(-50.0);
    assertThat(a.schedules().get(2).schedule()).isInstanceOf(ShaperSchedule.RandomWalk.class);
    assertThat(a.schedules().get(3).schedule()).isInstanceOf(ShaperSchedule.Markov.class);
    ShaperSchedule trace = a.schedules().get(4).schedule();
    assertThat(trace.at(2500).rateMbps()).isCloseTo(12.768, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(trace.at(2500).technology()).isEqualTo(RadioTechnology.LTE);
  }

  @Test
  void badSettingsAreRefusedNamingThem() {
    assertThatThrownBy(() -> load("testbed.agent.network.shaper = netem")).hasMessageContaining("network.shaper must be relay, tc or none");
    assertThatThrownBy(() -> load("testbed.agent.network.schedules = [{ link = x, type = sine }]")).hasMessageContaining("unknown type 'sine'");
    assertThatThrownBy(() -> load("testbed.agent.network.schedules = [{ link = x, type = trace, file = /nonexistent/trace, rssi-dbm = -50 }]"))
        .hasMessageContaining("/nonexistent/trace");
    assertThatThrownBy(() -> load("testbed.agent.network.default-link.technology = 5g")).hasMessageContaining("wifi or lte");
    assertThatThrownBy(() -> load("testbed.agent.int8-agreement-every = -1")).hasMessageContaining("int8-agreement-every");
    assertThatThrownBy(() -> load("testbed.agent.radio.lte.good-dbm = -130")).hasMessageContaining("good-dbm");
  }
}
