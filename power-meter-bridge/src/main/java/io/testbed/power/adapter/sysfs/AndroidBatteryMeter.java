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
import java.util.Locale;

/**
 * Android (and Linux laptop) battery fuel gauge in {@code /sys/class/power_supply/<battery>}: {@code current_now}
 * (uA) and {@code voltage_now} (uV). Vendors disagree on the sign of the current, so the convention is configured.
 * Samples report the power the battery delivers: positive while discharging, negative while charging.
 */
public final class AndroidBatteryMeter implements MeterAdapter {
  /** How to read the sign of {@code current_now}. */
  public enum SignConvention {
    /** Positive current means the battery discharges (e.g. many Qualcomm and Samsung kernels). */
    POSITIVE_DISCHARGE,
    /** Negative current means the battery discharges (e.g. Pixel, most laptops report the opposite). */
    NEGATIVE_DISCHARGE,
    /** From the {@code status} file: "Charging" means charging, anything else discharging; the raw sign is ignored. */
    AUTO;

    public static SignConvention parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "positive-discharge" -> POSITIVE_DISCHARGE;
        case "negative-discharge" -> NEGATIVE_DISCHARGE;
        case "auto" -> AUTO;
        default -> throw new IllegalArgumentException("sign-convention must be positive-discharge, negative-discharge or auto, was '" + s + "'");
      };
    }
  }

  private final MeterInfo info;
  private final Path dir;
  private final String currentFile;
  private final String voltageFile;
  private final String statusFile;
  private final SignConvention convention;
  private final double currentScaleA;
  private final double voltageScaleV;
  private final TimeSource time;

  /**
   * @param currentScaleA amperes per unit of {@code current_now} (1e-6 for the standard uA; 1e-3 for kernels reporting mA)
   * @param voltageScaleV volts per unit of {@code voltage_now} (1e-6 for the standard uV)
   */
  public AndroidBatteryMeter(MeterInfo info, Path dir, String currentFile, String voltageFile, String statusFile,
      SignConvention convention, double currentScaleA, double voltageScaleV, TimeSource time) {
    this.info = info;
    this.dir = dir;
    this.currentFile = currentFile;
    this.voltageFile = voltageFile;
    this.statusFile = statusFile;
    this.convention = convention;
    this.currentScaleA = currentScaleA;
    this.voltageScaleV = voltageScaleV;
    this.time = time;
  }

  /** From a meter's config: {@code path}, {@code current-file}, {@code voltage-file}, {@code status-file}, {@code sign-convention}, {@code current-scale}, {@code voltage-scale}. */
  public static AndroidBatteryMeter create(MeterInfo info, Config c, TimeSource time) {
    return new AndroidBatteryMeter(info, Path.of(c.getString("path")), c.getString("current-file"), c.getString("voltage-file"),
        c.getString("status-file"), SignConvention.parse(c.getString("sign-convention")), c.getDouble("current-scale"),
        c.getDouble("voltage-scale"), time);
  }

  @Override
  public MeterInfo info() { return info; }

  @Override
  public Duration pollInterval() { return Duration.ofNanos(Math.round(1e9 / info.nominalRateHz())); }

  @Override
  public void start() throws MeterException {
    SysfsFiles.requireDirectory(dir);
    SysfsFiles.readLong(dir.resolve(currentFile));
    SysfsFiles.readLong(dir.resolve(voltageFile));
    if (convention == SignConvention.AUTO && !Files.isRegularFile(dir.resolve(statusFile))) {
      throw new MeterException(dir.resolve(statusFile) + ": sign-convention auto needs the status file; set positive-discharge or negative-discharge");
    }
  }

  @Override
  public List<PowerSample> poll() throws MeterException {
    long before = time.epochNanos();
    long rawCurrent = SysfsFiles.readLong(dir.resolve(currentFile));
    long rawVoltage = SysfsFiles.readLong(dir.resolve(voltageFile));
    String status = convention == SignConvention.AUTO ? SysfsFiles.readText(dir.resolve(statusFile)) : null;
    long after = time.epochNanos();
    double amps = rawCurrent * currentScaleA;
    double dischargeA = switch (convention) {
      case POSITIVE_DISCHARGE -> amps;
      case NEGATIVE_DISCHARGE -> -amps;
      case AUTO -> "charging".equalsIgnoreCase(status) ? -Math.abs(amps) : Math.abs(amps);
    };
    double volts = rawVoltage * voltageScaleV;
    return List.of(new PowerSample(before + (after - before) / 2, volts * dischargeA, volts, dischargeA));
  }

  @Override
  public void close() {}
}
