package io.testbed.power.adapter.sysfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.testbed.power.adapter.sysfs.AndroidBatteryMeter.SignConvention;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.testing.ManualTime;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sysfs adapters on fixture trees laid out like the kernel's. */
class SysfsMetersTest {
  @TempDir Path dir;
  private final ManualTime time = new ManualTime();

  private static MeterInfo meter(double hz) { return new MeterInfo("m1", "dev-1", PowerSource.METERED, hz, 0.001); }

  private void write(String name, String value) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, value + "\n");
  }

  @Test
  void ina2xxReadsPowerCurrentAndVoltageInHwmonUnits() throws Exception {
    write("hwmon1/name", "ina226");
    write("hwmon1/power1_input", "5125000"); // uW
    write("hwmon1/curr1_input", "1025"); // mA
    write("hwmon1/in1_input", "5000"); // mV (bus)
    write("hwmon1/in0_input", "2"); // shunt mV, not ours
    HwmonMeter m = new HwmonMeter(meter(100), dir.resolve("hwmon1"), "power1_input", "curr1_input", "in1_input", time);
    m.start();
    PowerSample s = m.poll().get(0);
    assertThat(s.powerW()).isCloseTo(5.125, within(1e-12));
    assertThat(s.currentA()).isCloseTo(1.025, within(1e-12));
    assertThat(s.voltageV()).isCloseTo(5.0, within(1e-12));
    assertThat(s.timestampNs()).isEqualTo(ManualTime.T0);
    write("hwmon1/power1_input", "2500000");
    time.advanceMs(10);
    PowerSample s2 = m.poll().get(0);
    assertThat(s2.powerW()).isCloseTo(2.5, within(1e-12));
    assertThat(s2.timestampNs()).isEqualTo(ManualTime.T0 + 10_000_000);
    m.close();
  }

  @Test
  void ina3221HasNoPowerFileSoPowerIsVoltageTimesCurrentOfTheChannel() throws Exception {
    write("hwmon2/name", "ina3221");
    for (int ch = 1; ch <= 3; ch++) {
      write("hwmon2/in" + ch + "_input", Integer.toString(5000 + ch));
      write("hwmon2/curr" + ch + "_input", Integer.toString(100 * ch));
    }
    HwmonMeter m = new HwmonMeter(meter(100), dir.resolve("hwmon2"), "power2_input", "curr2_input", "in2_input", time);
    m.start();
    PowerSample s = m.poll().get(0);
    assertThat(s.voltageV()).isCloseTo(5.002, within(1e-12));
    assertThat(s.currentA()).isCloseTo(0.2, within(1e-12));
    assertThat(s.powerW()).isCloseTo(5.002 * 0.2, within(1e-12));
  }

  @Test
  void hwmonGarbageAndMissingFilesFailTheMeter() throws Exception {
    write("hwmon3/curr1_input", "12");
    HwmonMeter noVoltage = new HwmonMeter(meter(100), dir.resolve("hwmon3"), "power1_input", "curr1_input", "in1_input", time);
    assertThatThrownBy(noVoltage::start).isInstanceOf(MeterException.class).hasMessageContaining("neither power1_input");
    write("hwmon3/power1_input", "1000000");
    HwmonMeter m = new HwmonMeter(meter(100), dir.resolve("hwmon3"), "power1_input", "curr1_input", "in1_input", time);
    m.start();
    assertThat(m.poll()).hasSize(1);
    write("hwmon3/power1_input", "-EIO");
    assertThatThrownBy(m::poll).isInstanceOf(MeterException.class).hasMessageContaining("not an integer");
    Files.delete(dir.resolve("hwmon3/power1_input"));
    assertThatThrownBy(m::poll).isInstanceOf(MeterException.class).hasMessageContaining("no such file");
    assertThatThrownBy(new HwmonMeter(meter(100), dir.resolve("absent"), "power1_input", "", "", time)::start)
        .hasMessageContaining("no such directory");
  }

  @Test
  void raplTurnsEnergyDeltasIntoPowerStampedMidInterval() throws Exception {
    write("intel-rapl:0/max_energy_range_uj", "262143328850");
    write("intel-rapl:0/energy_uj", "1000000");
    RaplMeter m = new RaplMeter(meter(10), dir.resolve("intel-rapl:0"), "energy_uj", "max_energy_range_uj", time);
    m.start();
    assertThat(m.poll()).isEmpty(); // baseline only
    time.advanceMs(100);
    write("intel-rapl:0/energy_uj", "3500000"); // 2.5 J in 0.1 s
    List<PowerSample> s = m.poll();
    assertThat(s).hasSize(1);
    assertThat(s.get(0).powerW()).isCloseTo(25.0, within(1e-9));
    assertThat(s.get(0).timestampNs()).isEqualTo(ManualTime.T0 + 50_000_000);
  }

  @Test
  void raplCounterWrapsAtItsMaximumRange() throws Exception {
    write("intel-rapl:1/max_energy_range_uj", "1000000000");
    write("intel-rapl:1/energy_uj", "999000000"); // 1 J below the wrap
    RaplMeter m = new RaplMeter(meter(10), dir.resolve("intel-rapl:1"), "energy_uj", "max_energy_range_uj", time);
    m.start();
    m.poll();
    time.advanceMs(200);
    write("intel-rapl:1/energy_uj", "500000"); // wrapped: 1 J + 0.5 J = 1.5 J in 0.2 s
    assertThat(m.poll().get(0).powerW()).isCloseTo(7.5, within(1e-9));
    time.advanceMs(100);
    write("intel-rapl:1/energy_uj", "1500000"); // no wrap: 1 J in 0.1 s
    assertThat(m.poll().get(0).powerW()).isCloseTo(10.0, within(1e-9));
    write("intel-rapl:1/energy_uj", "2000000000"); // beyond the range: garbage
    time.advanceMs(100);
    assertThatThrownBy(m::poll).isInstanceOf(MeterException.class).hasMessageContaining("outside");
  }

  private AndroidBatteryMeter battery(SignConvention c) {
    return new AndroidBatteryMeter(meter(10), dir.resolve("battery"), "current_now", "voltage_now", "status", c, 1e-6, 1e-6, time);
  }

  @Test
  void androidSignConventions() throws Exception {
    write("battery/voltage_now", "3850000"); // 3.85 V
    write("battery/current_now", "-450000"); // -450 mA
    write("battery/status", "Discharging");
    // Pixel-style: negative while discharging
    AndroidBatteryMeter negative = battery(SignConvention.NEGATIVE_DISCHARGE);
    negative.start();
    PowerSample n = negative.poll().get(0);
    assertThat(n.currentA()).isCloseTo(0.45, within(1e-12));
    assertThat(n.voltageV()).isCloseTo(3.85, within(1e-12));
    assertThat(n.powerW()).isCloseTo(3.85 * 0.45, within(1e-12));
    // the same raw reading under positive-discharge means the battery is charging
    AndroidBatteryMeter positive = battery(SignConvention.POSITIVE_DISCHARGE);
    positive.start();
    assertThat(positive.poll().get(0).powerW()).isCloseTo(-3.85 * 0.45, within(1e-12));
    // auto follows the status file whatever the raw sign
    AndroidBatteryMeter auto = battery(SignConvention.AUTO);
    auto.start();
    assertThat(auto.poll().get(0).powerW()).isCloseTo(3.85 * 0.45, within(1e-12));
    write("battery/current_now", "450000");
    assertThat(auto.poll().get(0).powerW()).isCloseTo(3.85 * 0.45, within(1e-12));
    write("battery/status", "Charging");
    assertThat(auto.poll().get(0).powerW()).isCloseTo(-3.85 * 0.45, within(1e-12));
    assertThat(SignConvention.parse("negative-discharge")).isEqualTo(SignConvention.NEGATIVE_DISCHARGE);
    assertThatThrownBy(() -> SignConvention.parse("backwards")).hasMessageContaining("sign-convention");
  }

  @Test
  void androidAutoWithoutStatusFileRefusesToGuess() throws Exception {
    write("battery/voltage_now", "3850000");
    write("battery/current_now", "100000");
    assertThatThrownBy(battery(SignConvention.AUTO)::start).isInstanceOf(MeterException.class).hasMessageContaining("status file");
  }
}
