package io.testbed.power.adapter.scpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.testbed.power.adapter.scpi.ScpiMeter.Field;
import io.testbed.power.app.MeterRunner;
import io.testbed.power.app.MeterStatus;
import io.testbed.power.pipeline.Backoff;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.power.testing.RecordingPublisher;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSource;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SCPI adapter against an emulated instrument on a loopback socket. */
class ScpiMeterTest {
  private final MeterInfo info = new MeterInfo("bench-psu", "sensor-node-1", PowerSource.METERED, 100, 0.0001);

  private ScpiMeter meter(ScpiEmulator emu, List<Field> fields, Duration timeout) {
    return new ScpiMeter(info, "127.0.0.1", emu.port(), "MEAS:POW?", List.of("*RST", "CONF:POW"), fields, timeout, TimeSource.system());
  }

  @Test
  void queriesPowerAndSendsTheInitCommands() throws Exception {
    try (ScpiEmulator emu = new ScpiEmulator("MEAS:POW?", n -> "+1.2345E+00")) {
      ScpiMeter m = meter(emu, List.of(Field.POWER), Duration.ofSeconds(2));
      m.start();
      PowerSample s = m.poll().get(0);
      assertThat(s.powerW()).isCloseTo(1.2345, within(1e-12));
      assertThat(s.voltageV()).isNull();
      assertThat(emu.commands).containsExactly("*RST", "CONF:POW");
      m.close();
    }
  }

  @Test
  void multiFieldRepliesMapToPowerVoltageAndCurrent() throws Exception {
    try (ScpiEmulator emu = new ScpiEmulator("MEAS:POW?", n -> "9.9,5.0E+00;2.0E-01")) {
      ScpiMeter m = meter(emu, List.of(Field.IGNORE, Field.VOLTAGE, Field.CURRENT), Duration.ofSeconds(2));
      m.start();
      PowerSample s = m.poll().get(0);
      assertThat(s.voltageV()).isCloseTo(5.0, within(1e-12));
      assertThat(s.currentA()).isCloseTo(0.2, within(1e-12));
      assertThat(s.powerW()).isCloseTo(1.0, within(1e-12));
      m.close();
    }
  }

  @Test
  void garbageOverflowAndSilenceFailThePoll() throws Exception {
    try (ScpiEmulator emu = new ScpiEmulator("MEAS:POW?", n -> switch (n) {
      case 0 -> "-113,\"Undefined header\"";
      case 1 -> "9.9E37";
      default -> ScpiEmulator.SILENT;
    })) {
      ScpiMeter m = meter(emu, List.of(Field.POWER), Duration.ofMillis(300));
      m.start();
      assertThatThrownBy(m::poll).isInstanceOf(MeterException.class).hasMessageContaining("not numeric");
      assertThatThrownBy(m::poll).isInstanceOf(MeterException.class).hasMessageContaining("out of range");
      assertThatThrownBy(m::poll).isInstanceOf(MeterException.class).hasMessageContaining("no reply");
      m.close();
    }
  }

  @Test
  void bridgeLoopReconnectsWithBackoffAfterGarbageAndADisconnect() throws Exception {
    // queries 0..4 good, 5 garbage, 6..9 good, 10 the instrument drops the connection, then good again
    try (ScpiEmulator emu = new ScpiEmulator("MEAS:POW?", n -> n == 5 ? "ERR" : n == 10 ? ScpiEmulator.CLOSE : Double.toString(n))) {
      RecordingPublisher pub = new RecordingPublisher();
      Backoff backoff = new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), 2.0, 0);
      MeterRunner runner = new MeterRunner(meter(emu, List.of(Field.POWER), Duration.ofSeconds(2)), pub, Duration.ofMillis(20), 100, backoff,
          new SplittableRandom(1), TimeSource.system()).startThread();
      try {
        await().atMost(Duration.ofSeconds(20)).until(() -> emu.queries() > 20);
      } finally {
        runner.stop(Duration.ofSeconds(5));
      }
      MeterStatus st = runner.status();
      assertThat(st.failures()).isEqualTo(2);
      assertThat(st.restarts()).isEqualTo(2);
      assertThat(st.state()).isEqualTo(MeterStatus.State.STOPPED);
      assertThat(emu.connections.get()).isEqualTo(3);
      assertThat(pub.events).hasSize(2).allSatisfy(e -> {
        assertThat(e.code()).isEqualTo("meter-failed");
        assertThat(e.deviceId()).isEqualTo("sensor-node-1");
      });
      assertThat(pub.events).extracting(ErrorReply::message).anySatisfy(msg -> assertThat(msg).contains("'ERR'"));
      assertThat(pub.events).extracting(ErrorReply::message).anySatisfy(msg -> assertThat(msg).contains("connection closed"));
      List<Double> powers = pub.samples("bench-psu").stream().map(PowerSample::powerW).toList();
      assertThat(powers).startsWith(0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 7.0, 8.0, 9.0, 11.0).doesNotContain(5.0, 10.0);
      assertThat(st.samplesPublished()).isEqualTo(powers.size());
    }
  }
}
