package io.testbed.orchestrator.policy.recsched;

import java.util.Map;

/**
 * A synthetic latency model for tests: an M/M/1-like p95 {@code base / (1 - qps / capacity(B, T))} (infinite at or
 * above capacity), with capacity = cpu(B) * offloadGain(T) from tables, so the best configuration is known. Windows
 * are 64 latencies whose nearest-rank p95 equals the model's p95 exactly.
 */
record AnalyticModel(long baseNs, Map<Integer, Double> cpuCapacity, Map<Integer, Double> offloadGain) {

  double capacity(RecConfig c) {
    Double cpu = cpuCapacity.get(c.batchSize());
    Double gain = offloadGain.getOrDefault(c.offloadThreshold(), 1.0);
    if (cpu == null) throw new IllegalArgumentException("no capacity for " + c);
    return cpu * gain;
  }

  long p95Ns(RecConfig c, double qps) {
    double rho = qps / capacity(c);
    return rho >= 1 ? WindowStats.FAILED : Math.round(baseNs / (1 - rho));
  }

  /** 64 latencies with the model's p95 at rank 61: {@code p95 * (j + 1) / 61}. */
  WindowStats window(RecConfig c, double qps, long endNs) {
    long p95 = p95Ns(c, qps);
    long[] v = new long[64];
    for (int j = 0; j < 64; j++) v[j] = p95 == WindowStats.FAILED ? p95 : Math.round(p95 * (j + 1) / 61.0);
    return WindowStats.of(v, endNs);
  }

  /** The highest grid index whose p95 meets the SLA (-1 when none): where hill climbing must settle. */
  int bestIndex(RecConfig c, HillClimbSettings s) {
    int best = -1;
    for (int i = 0; i < s.grid().size(); i++) if (p95Ns(c, s.grid().qpsAt(i)) <= s.slaNs()) best = i;
    return best;
  }

  /** Drives a scheduler on this model until it finishes; windows advance a simulated clock by 64 / qps seconds. */
  RecSchedDecision.Finished run(RecScheduler scheduler, int maxWindows) {
    long now = 0;
    RecSchedDecision d = scheduler.start(now);
    RecConfig config = ((RecSchedDecision.Configure) d).config();
    double qps = ((RecSchedDecision.Configure) d).qps();
    for (int i = 0; i < maxWindows; i++) {
      now += Math.round(64 / qps * 1e9);
      d = scheduler.onWindow(window(config, qps, now));
      if (d instanceof RecSchedDecision.Finished f) return f;
      if (d instanceof RecSchedDecision.Configure c) {
        config = c.config();
        qps = c.qps();
      } else if (d instanceof RecSchedDecision.SetLoad l) {
        qps = l.qps();
      }
    }
    throw new AssertionError("scheduler did not finish within " + maxWindows + " windows");
  }
}
