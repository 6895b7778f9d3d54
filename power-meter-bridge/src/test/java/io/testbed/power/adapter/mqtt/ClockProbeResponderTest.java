package io.testbed.power.adapter.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.power.testing.ManualTime;
import io.testbed.protocol.ClockEcho;
import io.testbed.protocol.ClockProbe;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClockProbeResponderTest {
  @Test
  void echoesProbesForItsOwnMetersOnly() {
    ManualTime time = new ManualTime();
    ClockProbeResponder r = new ClockProbeResponder(Set.of("ina-1", "plug-2"), time);
    assertThat(r.topics()).containsExactly(Topics.meterCommands("ina-1"), Topics.meterCommands("plug-2"));

    ClockEcho e = r.answer(Topics.meterCommands("ina-1"), WireCodec.encode(new ClockProbe(1, "ina-1", 400L, "p-9"))).orElseThrow();
    assertThat(e.deviceId()).isEqualTo("ina-1");
    assertThat(e.probeId()).isEqualTo("p-9");
    assertThat(e.t0()).isEqualTo(400L);
    assertThat(e.t1()).isEqualTo(time.epochNanos());
    assertThat(e.t2()).isGreaterThanOrEqualTo(e.t1());

    // another bridge's meter, a probe naming another meter than its topic, garbage: ignored and counted
    assertThat(r.answer(Topics.meterCommands("other"), WireCodec.encode(new ClockProbe(1, "other", 1, "p")))).isEmpty();
    assertThat(r.answer(Topics.meterCommands("ina-1"), WireCodec.encode(new ClockProbe(1, "plug-2", 1, "p")))).isEmpty();
    assertThat(r.answer(Topics.meterCommands("ina-1"), "{not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(r.ignored()).isEqualTo(3);
  }
}
