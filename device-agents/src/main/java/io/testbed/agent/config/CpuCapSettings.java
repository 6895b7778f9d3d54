package io.testbed.agent.config;

import java.nio.file.Path;

/** Whether and where to enforce the profile's CPU share with a cgroup v1 CPU bandwidth cap. */
public record CpuCapSettings(boolean enabled, Path cgroupRoot, long periodUs) {
  public CpuCapSettings {
    if (cgroupRoot == null) throw new IllegalArgumentException("cpu-cap.cgroup-root is required");
    if (periodUs < 1000 || periodUs > 1_000_000) {
      throw new IllegalArgumentException("cpu-cap.period-us must be in [1000, 1000000], was " + periodUs);
    }
  }
}
