package io.testbed.agent.telemetry;

import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.SchemaVersion;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Builds the periodic {@link Heartbeat}. CPU utilisation is the process's CPU time since the previous heartbeat
 * divided by (wall time x the device's CPU share), clipped to [0, 1]: an emulated phone capped at 0.35 of a core that
 * uses all of it reports 1.0. Memory: the JVM heap on emulated devices (they share the host), {@code /proc/meminfo} on
 * real ones. Temperature: the hottest thermal zone on real devices, null on emulated ones. RSSI (the cloud link's and
 * every link's), co-runner CPU utilisation and memory pressure come from {@link Readings} (the network state and the
 * interference stressors).
 */
public final class HeartbeatSampler {
  private final String deviceId;
  private final double cpuShare;
  private final boolean emulated;
  private final LongSupplier processCpuNs;
  private final ThermalZones thermal;
  private final Readings readings;
  private volatile SensorReadings sensor;
  private long seq;
  private long lastCpuNs = -1;
  private long lastMonoNs;

  /**
   * @param cpuShare share of one core the device's CPU has (capped at 1 for the division)
   * @param processCpuNs process CPU time in ns, or -1 when unknown
   */
  public HeartbeatSampler(String deviceId, double cpuShare, boolean emulated, LongSupplier processCpuNs, ThermalZones thermal) {
    this(deviceId, cpuShare, emulated, processCpuNs, thermal, Readings.NONE);
  }

  /** With the link and co-runner readings of the AutoScale parts. */
  public HeartbeatSampler(String deviceId, double cpuShare, boolean emulated, LongSupplier processCpuNs, ThermalZones thermal, Readings readings) {
    this.readings = readings;
    this.deviceId = deviceId;
    this.cpuShare = Math.min(1.0, cpuShare);
    this.emulated = emulated;
    this.processCpuNs = processCpuNs;
    this.thermal = thermal;
  }

  /** A sensor node's temperature (null when none is usable), its source, and its mode ({@code nsp|cap|far}). */
  public record SensorReading(Double temperatureC, PowerSource temperatureSource, String mode) {}

  /** Where a sensor node's heartbeat temperature and mode come from. */
  @FunctionalInterface
  public interface SensorReadings {
    SensorReading read();
  }

  /** Makes heartbeats carry a sensor node's temperature and mode (they replace the thermal-zone reading). */
  public void sensor(SensorReadings s) { this.sensor = s; }

  /** Process CPU time from the platform MXBean, -1 when the JVM cannot tell. */
  public static long jvmProcessCpuNs() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
    return -1;
  }

  public synchronized Heartbeat next(long monoNs, long epochNs) {
    double util = 0;
    long cpu = processCpuNs.getAsLong();
    if (cpu >= 0 && lastCpuNs >= 0 && monoNs > lastMonoNs) {
      util = utilisation(cpu - lastCpuNs, monoNs - lastMonoNs, cpuShare);
    }
    lastCpuNs = cpu;
    lastMonoNs = monoNs;
    long used;
    long total;
    MemInfo mem = emulated ? null : MemInfo.read();
    if (mem != null) {
      used = mem.usedBytes();
      total = mem.totalBytes();
    } else {
      Runtime rt = Runtime.getRuntime();
      total = rt.maxMemory() == Long.MAX_VALUE ? rt.totalMemory() : rt.maxMemory();
      used = rt.totalMemory() - rt.freeMemory();
    }
    Double temp = emulated ? null : thermal.maxCelsius().orElse(null);
    PowerSource tempSource = temp == null ? null : PowerSource.METERED;
    String mode = null;
    SensorReadings s = sensor;
    if (s != null) {
      SensorReading sr = s.read();
      temp = sr.temperatureC();
      tempSource = temp == null ? null : sr.temperatureSource();
      mode = sr.mode();
    }
    Reading r = readings.read(monoNs);
    return new Heartbeat(SchemaVersion.CURRENT, deviceId, epochNs, seq++, util, used, total, temp,
        tempSource, r.rssiDbm(), r.coRunnerCpuUtilisation(), r.memoryPressure(), r.linkRssiDbm(), mode);
  }

  /** Link and co-runner values for one heartbeat; null where the device cannot know them. */
  public record Reading(Double rssiDbm, java.util.Map<String, Double> linkRssiDbm, Double coRunnerCpuUtilisation, Double memoryPressure) {}

  /** Where the heartbeat's link and co-runner values come from. */
  @FunctionalInterface
  public interface Readings {
    Reading read(long monoNs);

    Readings NONE = mono -> new Reading(null, null, null, null);
  }

  /** CPU time over (wall x share), clipped to [0, 1]. */
  public static double utilisation(long cpuDeltaNs, long wallDeltaNs, double share) {
    if (wallDeltaNs <= 0 || share <= 0) return 0;
    double u = cpuDeltaNs / (wallDeltaNs * share);
    return Math.max(0, Math.min(1, u));
  }

  /** Host memory from {@code /proc/meminfo}. */
  record MemInfo(long totalBytes, long usedBytes) {
    static MemInfo read() {
      try {
        long total = -1;
        long avail = -1;
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
          if (line.startsWith("MemTotal:")) total = kb(line);
          if (line.startsWith("MemAvailable:")) avail = kb(line);
        }
        if (total < 0 || avail < 0) return null;
        return new MemInfo(total, Math.max(0, total - avail));
      } catch (java.io.IOException | RuntimeException e) {
        return null;
      }
    }

    private static long kb(String line) {
      return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }
  }
}
