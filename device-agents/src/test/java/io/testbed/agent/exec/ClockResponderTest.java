package io.testbed.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.agent.port.AgentClock;
import io.testbed.protocol.ClockEcho;
import io.testbed.protocol.ClockProbe;
import io.testbed.protocol.State;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClockResponderTest {
  /** A remote clock 5 ms ahead that advances 1 us per read. */
  private final AtomicLong now = new AtomicLong(1_764_489_600_005_000_000L);
  private final AgentClock clock = new AgentClock() {
    @Override
    public long epochNs() { return now.getAndAdd(1_000); }

    @Override
    public long monotonicNs() { return now.get(); }
  };

  @Test
  void echoesAProbeWithReceiveAndSendTimesOnTheAgentClock() throws Exception {
    List<WireMessage> sent = new ArrayList<>();
    ClockProbe probe = (ClockProbe) WireCodec.decode(WireCodec.encode(new ClockProbe(1, "phone-1", 1_764_489_600_000_000_000L, "clk-7")));

    assertThat(ClockResponder.answer(probe, clock, sent::add)).isTrue();

    assertThat(sent).hasSize(1);
    ClockEcho echo = (ClockEcho) WireCodec.decode(WireCodec.encode(sent.get(0)));
    assertThat(echo.probeId()).isEqualTo("clk-7");
    assertThat(echo.deviceId()).isEqualTo("phone-1");
    assertThat(echo.t0()).isEqualTo(1_764_489_600_000_000_000L);
    assertThat(echo.t1()).isEqualTo(1_764_489_600_005_000_000L);
    assertThat(echo.t2()).isEqualTo(1_764_489_600_005_001_000L);
    assertThat(echo.timestampNs()).isEqualTo(echo.t2());
  }

  @Test
  void leavesOtherMessagesAlone() {
    List<WireMessage> sent = new ArrayList<>();
    assertThat(ClockResponder.answer(State.offline("phone-1", 5), clock, sent::add)).isFalse();
    assertThat(sent).isEmpty();
  }
}
