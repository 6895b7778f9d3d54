package io.testbed.orchestrator.policy;

import java.util.List;
import java.util.Set;

/**
 * Decides where one experiment query runs: which device, model and execution target (or offload peer). Pure: the
 * experiment's SUT calls it per query with what it knows of the fleet; later policies (AutoScale, DeepRecSched,
 * thermal-aware) implement it with their own state, time and seeded randomness passed in.
 */
public interface TargetPolicy {

  /** Policy name, the {@code policy} tag of every point the experiment writes. */
  String name();

  Decision choose(QueryContext query, FleetState fleet);

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
   */
  record Decision(String deviceId, String model, String target, String offloadTo) {}
}
