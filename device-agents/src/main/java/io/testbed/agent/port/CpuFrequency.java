package io.testbed.agent.port;

/** Sets the CPU clock of a real device for a DVFS level (the userspace cpufreq governor), or says why it cannot. */
public interface CpuFrequency {
  /** True when levels can be set for real. */
  boolean available();

  /** Why levels cannot be set; empty when they can. */
  String reason();

  /** Sets every CPU to {@code mhz}; returns false (nothing thrown) when the kernel refused. */
  boolean setMHz(int mhz);

  /** Frequency control that is not there: levels are emulated. */
  static CpuFrequency unavailable(String reason) {
    return new CpuFrequency() {
      @Override public boolean available() { return false; }
      @Override public String reason() { return reason; }
      @Override public boolean setMHz(int mhz) { return false; }
    };
  }
}
