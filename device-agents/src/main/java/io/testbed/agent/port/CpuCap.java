package io.testbed.agent.port;

/**
 * A CPU bandwidth cap on this agent's process: the share of one host core its device may use. Either enforced (a
 * cgroup quota) or not, with the reason. Closing it lifts the cap and removes what it created.
 */
public interface CpuCap extends AutoCloseable {
  boolean enforced();

  /** Why the cap is not enforced; empty when it is. */
  String reason();

  /** Current share of one core ({@code >= 1}: unrestricted). */
  double share();

  /** Changes the share (DVFS level, modelled target); ignored when not enforced. */
  void setShare(double share);

  @Override
  void close();

  /** A cap that does nothing, for real devices, unrestricted profiles, and hosts where it cannot be set. */
  static CpuCap notEnforced(String reason) {
    return new CpuCap() {
      @Override public boolean enforced() { return false; }
      @Override public String reason() { return reason; }
      @Override public double share() { return 1.0; }
      @Override public void setShare(double share) {}
      @Override public void close() {}
    };
  }
}
