package io.testbed.power.adapter.sysfs;

import com.typesafe.config.Config;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.protocol.PowerSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Linux hwmon power monitors (INA219/226/230/260 via {@code ina2xx}, INA3221): reads {@code power<N>_input} (uW),
 * {@code curr<N>_input} (mA) and {@code in<N>_input} (mV) of one channel. Without a power file (INA3221) power is
 * voltage x current. File names are configurable for boards that number their rails differently.
 */
public final class HwmonMeter implements MeterAdapter {
  private final MeterInfo info;
  private final Path dir;
  private final String powerFile;
  private final String currentFile;
  private final String voltageFile;
  private final TimeSource time;
  private Path power;
  private Path current;
  private Path voltage;

  /** File names are relative to {@code dir}; an empty name means the attribute is not read. */
  public HwmonMeter(MeterInfo info, Path dir, String powerFile, String currentFile, String voltageFile, TimeSource time) {
    this.info = info;
    this.dir = dir;
    this.powerFile = powerFile;
    this.currentFile = currentFile;
    this.voltageFile = voltageFile;
    this.time = time;
  }

  /** From a meter's config: {@code path}, {@code channel}, {@code power-file}, {@code current-file}, {@code voltage-file} ({@code {channel}} is substituted). */
  public static HwmonMeter create(MeterInfo info, Config c, TimeSource time) {
    if (c.getString("path").isBlank()) throw new IllegalArgumentException("path is required (the hwmon directory)");
    String ch = Integer.toString(c.getInt("channel"));
    return new HwmonMeter(info, Path.of(c.getString("path")),
        c.getString("power-file").replace("{channel}", ch),
        c.getString("current-file").replace("{channel}", ch),
        c.getString("voltage-file").replace("{channel}", ch), time);
  }

  @Override
  public MeterInfo info() { return info; }

  @Override
  public Duration pollInterval() { return Duration.ofNanos(Math.round(1e9 / info.nominalRateHz())); }

  @Override
  public void start() throws MeterException {
    SysfsFiles.requireDirectory(dir);
    power = existing(powerFile);
    current = existing(currentFile);
    voltage = existing(voltageFile);
    if (power == null && (current == null || voltage == null)) {
      throw new MeterException(dir + ": neither " + nameOr(powerFile) + " nor both " + nameOr(currentFile) + " and " + nameOr(voltageFile) + " exist");
    }
  }

  @Override
  public List<PowerSample> poll() throws MeterException {
    long before = time.epochNanos();
    Double powerW = power == null ? null : SysfsFiles.readLong(power) * 1e-6;
    Double currentA = current == null ? null : SysfsFiles.readLong(current) * 1e-3;
    Double voltageV = voltage == null ? null : SysfsFiles.readLong(voltage) * 1e-3;
    long after = time.epochNanos();
    double p = powerW != null ? powerW : voltageV * currentA;
    return List.of(new PowerSample(before + (after - before) / 2, p, voltageV, currentA));
  }

  @Override
  public void close() {
    power = null;
    current = null;
    voltage = null;
  }

  private Path existing(String name) {
    if (name == null || name.isBlank()) return null;
    Path p = dir.resolve(name);
    return Files.isRegularFile(p) ? p : null;
  }

  private static String nameOr(String name) { return name == null || name.isBlank() ? "(none)" : name; }
}
