package io.testbed.orchestrator.policy.autoscale;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Q-values of one device and one model (SYSTEMS.md section 1): one row per visited {@link StateKey}, one column per
 * action id. Mutable and not thread-safe: the one actor that runs the learner owns it; {@link #copy()} gives a snapshot
 * to persist or export. A state absent here has every value at the learner's {@code initialQ}.
 */
public final class QTable {
  private final Id id;
  private final String binsSignature;
  private final List<String> actionIds;
  private final HashMap<StateKey, double[]> rows;
  private long updates;

  /** Which table: Q-tables are kept per device and model. */
  public record Id(String deviceId, String model) {
    public Id {
      if (deviceId == null || deviceId.isBlank()) throw new IllegalArgumentException("deviceId is required");
      if (model == null || model.isBlank()) throw new IllegalArgumentException("model is required");
    }
  }

  private QTable(Id id, String binsSignature, List<String> actionIds, HashMap<StateKey, double[]> rows, long updates) {
    this.id = id;
    this.binsSignature = binsSignature;
    this.actionIds = actionIds;
    this.rows = rows;
    this.updates = updates;
  }

  /** A table with no visited state. */
  public static QTable empty(Id id, String binsSignature, List<String> actionIds) {
    return restore(id, binsSignature, actionIds, Map.of(), 0);
  }

  /** A table from stored values (each row one value per action id); checks shapes. */
  public static QTable restore(
      Id id, String binsSignature, List<String> actionIds, Map<StateKey, double[]> rows, long updates) {
    if (id == null) throw new IllegalArgumentException("id is required");
    if (binsSignature == null) throw new IllegalArgumentException("binsSignature is required");
    List<String> ids = List.copyOf(actionIds);
    if (ids.isEmpty()) throw new IllegalArgumentException("actionIds must not be empty");
    if (ids.stream().distinct().count() != ids.size()) throw new IllegalArgumentException("actionIds must be distinct");
    if (updates < 0) throw new IllegalArgumentException("updates must be >= 0, was " + updates);
    HashMap<StateKey, double[]> copy = new HashMap<>();
    rows.forEach((s, q) -> {
      if (q.length != ids.size()) {
        throw new IllegalArgumentException("row " + s + " has " + q.length + " values for " + ids.size() + " actions");
      }
      for (double v : q) if (!Double.isFinite(v)) throw new IllegalArgumentException("row " + s + ": Q must be finite");
      copy.put(s, q.clone());
    });
    return new QTable(id, binsSignature, ids, copy, updates);
  }

  public Id id() {
    return id;
  }

  public String binsSignature() {
    return binsSignature;
  }

  public List<String> actionIds() {
    return actionIds;
  }

  /** Number of Q-learning updates applied so far (also drives epsilon decay across restarts). */
  public long updates() {
    return updates;
  }

  /** Number of visited states. */
  public int stateCount() {
    return rows.size();
  }

  /** The stored row of a state, or null: the live array, for the learner only. */
  double[] rowOrNull(StateKey s) {
    return rows.get(s);
  }

  /** The row of a state, created at {@code initialQ} on first use: the live array, for the learner only. */
  double[] rowForUpdate(StateKey s, double initialQ) {
    double[] r = rows.get(s);
    if (r == null) {
      r = new double[actionIds.size()];
      Arrays.fill(r, initialQ);
      rows.put(s, r);
    }
    return r;
  }

  void countUpdate() {
    updates++;
  }

  /** Q(s, a), or {@code initialQ} for an unvisited state; throws for an unknown action id. */
  public double q(StateKey s, String actionId, double initialQ) {
    int i = actionIds.indexOf(actionId);
    if (i < 0) throw new IllegalArgumentException("unknown action '" + actionId + "'");
    double[] r = rows.get(s);
    return r == null ? initialQ : r[i];
  }

  /** A copy of all rows (arrays copied). */
  public Map<StateKey, double[]> rows() {
    Map<StateKey, double[]> out = new LinkedHashMap<>();
    rows.forEach((s, q) -> out.put(s, q.clone()));
    return out;
  }

  /** A deep copy. */
  public QTable copy() {
    return restore(id, binsSignature, actionIds, rows, updates);
  }

  /**
   * This table re-indexed to other action ids (the device's targets or peers changed): values of kept ids move to
   * their new column, new ids start at {@code initialQ}, vanished ids are dropped.
   */
  public QTable remapTo(List<String> newActionIds, double initialQ) {
    if (newActionIds.equals(actionIds)) return this;
    List<String> ids = List.copyOf(newActionIds);
    int[] from = new int[ids.size()];
    for (int i = 0; i < ids.size(); i++) from[i] = actionIds.indexOf(ids.get(i));
    Map<StateKey, double[]> out = new HashMap<>();
    rows.forEach((s, q) -> {
      double[] r = new double[ids.size()];
      for (int i = 0; i < r.length; i++) r[i] = from[i] < 0 ? initialQ : q[from[i]];
      out.put(s, r);
    });
    return restore(id, binsSignature, ids, out, updates);
  }
}
