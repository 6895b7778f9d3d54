package io.testbed.agent.adapter.sysfs;

import io.testbed.agent.port.CpuFrequency;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DVFS on a real Linux device through cpufreq sysfs: available when every {@code cpuN/cpufreq} under the root uses the
 * {@code userspace} governor and has a writable {@code scaling_setspeed}; a level is written there in kHz.
 */
public final class SysfsCpuFrequency implements CpuFrequency {
  private static final Logger LOG = LoggerFactory.getLogger(SysfsCpuFrequency.class);

  private final List<Path> setspeed;
  private final String reason;

  private SysfsCpuFrequency(List<Path> setspeed, String reason) {
    this.setspeed = List.copyOf(setspeed);
    this.reason = reason;
  }

  /** Inspects {@code cpuRoot} (normally {@code /sys/devices/system/cpu}). */
  public static CpuFrequency probe(Path cpuRoot) {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> cpus = Files.list(cpuRoot)) {
      for (Path cpu : cpus.filter(p -> p.getFileName().toString().matches("cpu[0-9]+")).sorted().toList()) {
        Path freq = cpu.resolve("cpufreq");
        if (!Files.isDirectory(freq)) return CpuFrequency.unavailable("no cpufreq for " + cpu.getFileName() + ": DVFS levels are emulated");
        String governor = Files.readString(freq.resolve("scaling_governor")).strip();
        if (!"userspace".equals(governor)) {
          return CpuFrequency.unavailable("cpufreq governor of " + cpu.getFileName() + " is " + governor + ", not userspace: DVFS levels are emulated");
        }
        Path set = freq.resolve("scaling_setspeed");
        if (!Files.isWritable(set)) return CpuFrequency.unavailable(set + " is not writable: DVFS levels are emulated");
        files.add(set);
      }
    } catch (IOException e) {
      return CpuFrequency.unavailable("cannot read cpufreq under " + cpuRoot + " (" + e.getMessage() + "): DVFS levels are emulated");
    }
    if (files.isEmpty()) return CpuFrequency.unavailable("no cpus under " + cpuRoot + ": DVFS levels are emulated");
    return new SysfsCpuFrequency(files, "");
  }

  @Override
  public boolean available() { return true; }

  @Override
  public String reason() { return reason; }

  @Override
  public boolean setMHz(int mhz) {
    boolean ok = true;
    for (Path p : setspeed) {
      try {
        Files.writeString(p, Long.toString(mhz * 1000L));
      } catch (IOException e) {
        LOG.warn("cannot set {} to {} MHz: {}", p, mhz, e.toString());
        ok = false;
      }
    }
    return ok;
  }
}
