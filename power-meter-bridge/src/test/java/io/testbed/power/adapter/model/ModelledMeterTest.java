package io.testbed.power.adapter.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.testing.ManualTime;
import io.testbed.protocol.PowerSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelledMeterTest {
  @TempDir Path dir;
  private final ManualTime time = new ManualTime();
  private final MeterInfo info = new MeterInfo("phone-1-model", "phone-1", PowerSource.MODELLED, 10, 0);

  @Test
  void powerIsIdlePlusBusyShareOfTheDynamicRange() throws Exception {
    ModelledMeter m = new ModelledMeter(info, 0.8, 3.6, UtilisationSource.constant(0.25), time);
    m.start();
    assertThat(m.poll().get(0).powerW()).isCloseTo(0.8 + 0.25 * 2.8, within(1e-12));
    assertThat(m.info().source()).isEqualTo(PowerSource.MODELLED);
  }

  @Test
  void procStatBusyShareDrivesTheModel() throws Exception {
    Path stat = dir.resolve("stat");
    // user nice system idle iowait irq softirq steal guest guest_nice
    Files.writeString(stat, "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 50 0 50 350 50 0 0 0 0 0\n");
    ModelledMeter m = new ModelledMeter(info, 1.0, 5.0, new ProcStatUtilisation(stat), time);
    m.start();
    // next interval: +300 busy (user 200, system 100), +100 idle -> busy share 0.75
    Files.writeString(stat, "cpu  300 0 200 800 100 0 0 0 0 0\n");
    assertThat(m.poll().get(0).powerW()).isCloseTo(1.0 + 0.75 * 4.0, within(1e-12));
    Files.writeString(stat, "intr 1 2 3\n");
    assertThatThrownBy(m::poll).isInstanceOf(MeterException.class).hasMessageContaining("'cpu'");
  }

  @Test
  void aMeteredSourceOrInvertedRangeIsRefused() {
    MeterInfo metered = new MeterInfo("x", "d", PowerSource.METERED, 10, 0);
    assertThatThrownBy(() -> new ModelledMeter(metered, 1, 2, UtilisationSource.constant(0), time)).hasMessageContaining("modelled");
    assertThatThrownBy(() -> new ModelledMeter(info, 3, 2, UtilisationSource.constant(0), time)).hasMessageContaining("idle-w <= busy-w");
  }
}
