package io.testbed.orchestrator.policy.autoscale;

import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.ExecutionTarget;
import io.testbed.protocol.Hello;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The actions of one device for one model (SYSTEMS.md section 1: every advertised target x DVFS level, each reachable
 * edge device, each cloud server), in a fixed order that indexes the Q-table's columns, with which of them meet the
 * accuracy target and which are available right now. Immutable.
 */
public final class ActionSpace {
  private final List<Action> actions;
  private final List<String> ids;
  private final Map<String, Integer> index;
  private final boolean[] meetsAccuracy;
  private final boolean[] available;
  private final List<String> links;

  private ActionSpace(List<Action> actions, List<String> ids, Map<String, Integer> index, boolean[] meetsAccuracy,
      boolean[] available, List<String> links) {
    this.actions = actions;
    this.ids = ids;
    this.index = index;
    this.meetsAccuracy = meetsAccuracy;
    this.available = available;
    this.links = links;
  }

  /** A space of the given actions (ids must be distinct), all available. */
  public static ActionSpace of(List<Action> actions, AccuracyMask mask) {
    List<Action> a = List.copyOf(actions);
    if (a.isEmpty()) throw new IllegalArgumentException("actions must not be empty");
    Map<String, Integer> index = new HashMap<>();
    List<String> ids = new ArrayList<>(a.size());
    boolean[] meets = new boolean[a.size()];
    Set<String> links = new TreeSet<>();
    for (int i = 0; i < a.size(); i++) {
      Action x = a.get(i);
      if (index.put(x.id(), i) != null) throw new IllegalArgumentException("actions: duplicate id '" + x.id() + "'");
      ids.add(x.id());
      meets[i] = mask.meetsTarget(x);
      if (x.offloadTo() != null) links.add(x.offloadTo());
    }
    boolean[] available = new boolean[a.size()];
    Arrays.fill(available, true);
    return new ActionSpace(a, List.copyOf(ids), Map.copyOf(index), meets, available, List.copyOf(links));
  }

  /**
   * The actions a device advertises for a model, from its hello and its peers' hellos.
   *
   * <p>Local: each target whose precision the model has, at each DVFS level (lowest first; one action when the target
   * has none). Offload: each peer of kind {@code edge} or {@code cloud} that has an endpoint and the model, edge
   * devices first, then by id; the precision is FP32 when the peer's model has it.
   *
   * @throws IllegalArgumentException when the device does not have the model (the message names it)
   */
  public static ActionSpace from(Hello device, List<Hello> peers, String model, AccuracyMask mask) {
    ModelInfo m = device.model(model).orElseThrow(() -> new IllegalArgumentException(
        "model '" + model + "' is not on device '" + device.deviceId() + "'"));
    List<Action> out = new ArrayList<>();
    for (ExecutionTarget t : device.targets()) {
      if (!m.precisions().contains(t.precision())) continue;
      if (t.dvfsLevelsMHz().isEmpty()) {
        out.add(new Action.Local(t.id(), t.kind(), t.precision(), null));
      } else {
        for (int mhz : t.dvfsLevelsMHz().stream().sorted().toList()) {
          out.add(new Action.Local(t.id(), t.kind(), t.precision(), mhz));
        }
      }
    }
    List<Hello> reachable = peers.stream()
        .filter(p -> !p.deviceId().equals(device.deviceId()))
        .filter(p -> p.kind() == DeviceKind.EDGE || p.kind() == DeviceKind.CLOUD)
        .filter(p -> p.endpoint() != null && !p.endpoint().isBlank())
        .filter(p -> p.model(model).isPresent())
        .sorted(Comparator.comparing((Hello p) -> p.kind() == DeviceKind.EDGE ? 0 : 1).thenComparing(Hello::deviceId))
        .toList();
    for (Hello p : reachable) {
      List<Precision> ps = p.model(model).orElseThrow().precisions();
      Precision precision = ps.contains(Precision.FP32) ? Precision.FP32 : ps.get(0);
      out.add(p.kind() == DeviceKind.EDGE ? new Action.Edge(p.deviceId(), precision)
          : new Action.Cloud(p.deviceId(), precision));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("device '" + device.deviceId() + "' has no target or peer for model '"
          + model + "'");
    }
    return of(out, mask);
  }

  /**
   * The same actions (same indices, same Q-table) with some unavailable, e.g. an offline peer: each name is an
   * action id or an offload peer id.
   */
  public ActionSpace withUnavailable(Collection<String> names) {
    Set<String> n = Set.copyOf(names);
    boolean[] av = available.clone();
    for (int i = 0; i < actions.size(); i++) {
      Action a = actions.get(i);
      if (n.contains(a.id()) || (a.offloadTo() != null && n.contains(a.offloadTo()))) av[i] = false;
    }
    return new ActionSpace(actions, ids, index, meetsAccuracy, av, links);
  }

  /** True when {@code other} has the very same actions in the same order (it may differ in availability). */
  public boolean sameActionsAs(ActionSpace other) {
    return other.actions == actions || other.ids.equals(ids);
  }

  public int size() {
    return actions.size();
  }

  public Action get(int i) {
    return actions.get(i);
  }

  public List<Action> actions() {
    return actions;
  }

  /** Action ids in index order (the Q-table's columns). */
  public List<String> ids() {
    return ids;
  }

  /** The index of an action id, or -1. */
  public int indexOf(String actionId) {
    Integer i = index.get(actionId);
    return i == null ? -1 : i;
  }

  /** The index of an action of this space; throws when it is not one. */
  public int indexOf(Action a) {
    int i = indexOf(a.id());
    if (i < 0 || !actions.get(i).equals(a)) throw new IllegalArgumentException("action '" + a.id() + "' is not in this space");
    return i;
  }

  public boolean meetsAccuracy(int i) {
    return meetsAccuracy[i];
  }

  public boolean available(int i) {
    return available[i];
  }

  /** Offload peer ids, sorted: the links whose RSSI is part of the state. */
  public List<String> links() {
    return links;
  }

  /** The first action matching, in index order. */
  public Optional<Action> first(Predicate<Action> p) {
    return actions.stream().filter(p).findFirst();
  }

  @Override
  public String toString() {
    return "ActionSpace" + ids;
  }
}
