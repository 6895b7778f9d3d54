package io.testbed.orchestrator.policy;

import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Precision;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides where one experiment query runs: which device, model and execution target (or offload peer), and learns
 * from how each query went. Free of actors and I/O: the experiment's SUT calls {@link #choose} when LoadGen issues a
 * query and {@link #learn} when the query's record is complete, both on LoadGen's thread (so a policy needs no
 * locking); later policies (AutoScale, DeepRecSched, thermal-aware) implement it with their own state, clock and
 * seeded randomness passed to their constructors.
 */
public interface TargetPolicy {

  /** Policy name, the {@code policy} tag of every point the experiment writes. */
  String name();

  Decision choose(QueryContext query, FleetState fleet);

  /** How a query placed by {@link #choose} went (learning policies update their state here). */
  default void learn(QueryContext query, Decision decision, Feedback feedback) {}

  /**
   * Whether the policy observes the devices before each query: then the SUT fetches each device's last heartbeat
   * from its twin and calls {@link #choose(QueryContext, FleetState, Map)} instead of {@link #choose(QueryContext, FleetState)}.
   */
  default boolean observes() { return false; }

  /**
   * Places a query knowing each device's last heartbeat (co-runner CPU, memory pressure, per-link RSSI), by device id;
   * a device without one is absent. Called only when {@link #observes()}.
   */
  default Decision choose(QueryContext query, FleetState fleet, Map<String, Heartbeat> lastHeartbeats) {
    return choose(query, fleet);
  }

  /**
   * {@link #learn(QueryContext, Decision, Feedback)} with the device's whole result (its metrics, e.g. INT8
   * {@code agreement}); {@code result} is null when the device never answered.
   */
  default void learn(QueryContext query, Decision decision, Feedback feedback, InferenceResult result) {
    learn(query, decision, feedback);
  }

  /**
   * The measured outcome of one query.
   *
   * @param latencyMs from the query's scheduled time to its completion
   * @param energyJ the device's energy figure for the query; null when unknown
   * @param reason failure reason when not ok (e.g. {@code device-offline: ...}); null when ok
   */
  record Feedback(boolean ok, double latencyMs, Double energyJ, String reason) {}

  /**
   * The query to place.
   *
   * @param queryId LoadGen's sequence number within the repetition, from 0
   * @param sampleCount samples in the query (the command's batch size)
   * @param repetition 1-based repetition index
   */
  record QueryContext(long queryId, int sampleCount, int repetition) {}

  /**
   * What the SUT knows about the experiment's devices.
   *
   * @param devices the devices the experiment drives, in spec order
   * @param lost devices reported offline during the run
   */
  record FleetState(List<String> devices, Set<String> lost) {
    public FleetState {
      devices = List.copyOf(devices);
      lost = Set.copyOf(lost);
    }
  }

  /**
   * Where the query goes.
   *
   * @param offloadTo the peer's device id when {@code target} is {@code offload}, else null
   * @param precision the model precision to run; null = the experiment's
   * @param dvfsLevelMHz the CPU level for the command; null = the target's highest
   */
  record Decision(String deviceId, String model, String target, String offloadTo, Precision precision,
      Integer dvfsLevelMHz) {
    public Decision(String deviceId, String model, String target, String offloadTo) {
      this(deviceId, model, target, offloadTo, null, null);
    }
  }
}
