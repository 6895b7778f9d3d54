package io.testbed.agent.port;

/** Time as the agent sees it: epoch nanoseconds for wire timestamps, a monotonic clock for durations. Injected for tests. */
public interface AgentClock {
  long epochNs();

  long monotonicNs();

  AgentClock SYSTEM = new AgentClock() {
    @Override
    public long epochNs() {
      java.time.Instant now = java.time.Instant.now();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public long monotonicNs() { return System.nanoTime(); }
  };
}
