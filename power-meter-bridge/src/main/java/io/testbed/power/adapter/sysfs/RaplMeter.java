package io.testbed.power.adapter.sysfs;

import com.typesafe.config.Config;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.protocol.PowerSample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Intel/AMD RAPL through powercap ({@code /sys/class/powercap/intel-rapl:N}): power from successive readings of the
 * {@code energy_uj} counter, which wraps at {@code max_energy_range_uj}. Each sample is the mean power between two
 * polls, stamped at the middle of that interval; the first poll after a start only sets the baseline.
 */
public final class RaplMeter implements MeterAdapter {
  private final MeterInfo info;
  private final Path dir;
  private final String energyFile;
  private final String maxRangeFile;
  private final TimeSource time;
  private long maxRangeUj;
  private long lastUj = -1;
  private long lastNs;

  public RaplMeter(MeterInfo info, Path dir, String energyFile, String maxRangeFile, TimeSource time) {
    this.info = info;
    this.dir = dir;
    this.energyFile = energyFile;
    this.maxRangeFile = maxRangeFile;
    this.time = time;
  }

  /** From a meter's config: {@code path}, {@code energy-file}, {@code max-range-file}. */
  public static RaplMeter create(MeterInfo info, Config c, TimeSource time) {
    return new RaplMeter(info, Path.of(c.getString("path")), c.getString("energy-file"), c.getString("max-range-file"), time);
  }

  @Override
  public MeterInfo info() { return info; }

  @Override
  public Duration pollInterval() { return Duration.ofNanos(Math.round(1e9 / info.nominalRateHz())); }

  @Override
  public void start() throws MeterException {
    SysfsFiles.requireDirectory(dir);
    maxRangeUj = SysfsFiles.readLong(dir.resolve(maxRangeFile));
    if (maxRangeUj <= 0) throw new MeterException(dir.resolve(maxRangeFile) + ": range must be > 0, was " + maxRangeUj);
    lastUj = -1;
  }

  @Override
  public List<PowerSample> poll() throws MeterException {
    long before = time.epochNanos();
    long uj = SysfsFiles.readLong(dir.resolve(energyFile));
    long after = time.epochNanos();
    long now = before + (after - before) / 2;
    if (uj < 0 || uj > maxRangeUj) throw new MeterException(dir.resolve(energyFile) + ": " + uj + " outside [0, " + maxRangeUj + "]");
    if (lastUj < 0 || now <= lastNs) {
      lastUj = uj;
      lastNs = now;
      return List.of();
    }
    long delta = uj - lastUj;
    if (delta < 0) delta += maxRangeUj; // the counter wrapped past max_energy_range_uj
    double watts = delta * 1e-6 / ((now - lastNs) * 1e-9);
    PowerSample s = new PowerSample(lastNs + (now - lastNs) / 2, watts, null, null);
    lastUj = uj;
    lastNs = now;
    return List.of(s);
  }

  @Override
  public void close() { lastUj = -1; }
}
