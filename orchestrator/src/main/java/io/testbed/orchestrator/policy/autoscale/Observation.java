package io.testbed.orchestrator.policy.autoscale;

import io.testbed.protocol.ModelFeatures;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the policy sees before one inference request (SYSTEMS.md section 1): the model's graph features (from the
 * device's hello) and the current conditions (co-runner load, RSSI of each offload link, from the latest heartbeat).
 *
 * @param features the model's features ({@code ModelInfo.features()} in the hello)
 * @param condition co-runner load and link signal strengths
 */
public record Observation(ModelFeatures features, Condition condition) {

  public Observation {
    if (features == null) throw new IllegalArgumentException("features is required");
    if (condition == null) throw new IllegalArgumentException("condition is required");
  }

  /** Convenience: an observation from the heartbeat's raw fields. */
  public static Observation of(
      ModelFeatures features, double coRunnerCpu, double memoryPressure, Map<String, Double> linkRssiDbm) {
    return new Observation(features, new Condition(coRunnerCpu, memoryPressure, linkRssiDbm));
  }

  /**
   * The stochastic conditions of one request: the interference and wireless levels (SYSTEMS.md section 1). Also the
   * key of a {@link Profile}: there, the levels the experiment's timeline commands, not noisy measurements.
   *
   * @param coRunnerCpu co-runner CPU utilisation in [0, 1] (0 when the device does not report it)
   * @param memoryPressure co-runner memory pressure in [0, 1] (0 when not reported)
   * @param linkRssiDbm signal strength by offload peer id; a link absent here is binned "unknown"
   */
  public record Condition(double coRunnerCpu, double memoryPressure, Map<String, Double> linkRssiDbm) {
    public Condition {
      if (!(coRunnerCpu >= 0 && coRunnerCpu <= 1)) {
        throw new IllegalArgumentException("coRunnerCpu must be in [0, 1], was " + coRunnerCpu);
      }
      if (!(memoryPressure >= 0 && memoryPressure <= 1)) {
        throw new IllegalArgumentException("memoryPressure must be in [0, 1], was " + memoryPressure);
      }
      linkRssiDbm = linkRssiDbm == null ? Map.of() : Map.copyOf(linkRssiDbm);
      linkRssiDbm.forEach((k, v) -> {
        if (v == null || !Double.isFinite(v)) {
          throw new IllegalArgumentException("linkRssiDbm." + k + " must be finite, was " + v);
        }
      });
    }

    /** A readable, stable name, e.g. {@code cpu=0.5 mem=0 rssi[cloud-1]=-90}. */
    public String name() {
      StringBuilder b = new StringBuilder("cpu=").append(Bins.number(coRunnerCpu))
          .append(" mem=").append(Bins.number(memoryPressure));
      new TreeMap<>(linkRssiDbm).forEach((k, v) -> b.append(" rssi[").append(k).append("]=").append(Bins.number(v)));
      return b.toString();
    }
  }
}
