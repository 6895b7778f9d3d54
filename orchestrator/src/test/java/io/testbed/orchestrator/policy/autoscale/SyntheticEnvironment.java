package io.testbed.orchestrator.policy.autoscale;

import io.testbed.protocol.Precision;
import io.testbed.protocol.TargetKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A phone with known per-(condition, action) latency, energy and accuracy, plus seeded multiplicative noise: the
 * ground truth against which Q-learning must find the best action. Model: a mobilenet-sized network taking
 * {@code baseMs} on the CPU at 1800 MHz.
 *
 * <ul>
 *   <li>CPU at f MHz: latency {@code base * 1800/f * (1 + 1.2 load)}, power {@code 0.3 + 2.7 (f/1800)^2} W;
 *   <li>GPU: {@code 0.5 base (1 + 0.3 load)} at 2 W; DSP (INT8): {@code 0.4 base (1 + 0.2 load)} at 1 W;
 *   <li>edge / cloud: radio on for RTT + 150 kB / rate at 1 W (regular, RSSI >= -80 dBm) or 2.5 W (weak), then the
 *       phone idles at 0.3 W during the peer's compute ({@code 0.25 base} edge, {@code 0.1 base} cloud). Rates: edge
 *       20 / 2 MB/s, RTT 5 ms; cloud 20 / 2 MB/s, RTT 10 ms.
 * </ul>
 * Accuracy: FP32 0.72, INT8 0.68.
 */
final class SyntheticEnvironment {
  static final String EDGE = "edge-1";
  static final String CLOUD = "cloud-1";
  static final double FP32_ACCURACY = 0.72;
  static final double INT8_ACCURACY = 0.68;

  private final double baseMs;
  private final double noise;
  private final SplittableRandom random;

  SyntheticEnvironment(double baseMs, double noise, long seed) {
    this.baseMs = baseMs;
    this.noise = noise;
    this.random = new SplittableRandom(seed);
  }

  /** The phone's actions, in the order {@link ActionSpace#from} gives for {@link AutoScaleFixtures#phone}. */
  static List<Action> actions() {
    return List.of(
        new Action.Local("cpu", TargetKind.CPU, Precision.FP32, 600),
        new Action.Local("cpu", TargetKind.CPU, Precision.FP32, 1200),
        new Action.Local("cpu", TargetKind.CPU, Precision.FP32, 1800),
        new Action.Local("gpu", TargetKind.GPU, Precision.FP32, null),
        new Action.Local("dsp", TargetKind.DSP, Precision.INT8, null),
        new Action.Edge(EDGE, Precision.FP32),
        new Action.Cloud(CLOUD, Precision.FP32));
  }

  static Observation.Condition condition(double load, double edgeRssi, double cloudRssi) {
    return new Observation.Condition(load, 0, Map.of(EDGE, edgeRssi, CLOUD, cloudRssi));
  }

  /** The noise-free truth. */
  Profile.Expectation expected(Observation.Condition c, Action a) {
    double load = c.coRunnerCpu();
    double acc = a.precision() == Precision.INT8 ? INT8_ACCURACY : FP32_ACCURACY;
    if (a instanceof Action.Edge e) return offload(c.linkRssiDbm().get(e.peerId()), 5, 0.25 * baseMs, acc);
    if (a instanceof Action.Cloud k) return offload(c.linkRssiDbm().get(k.peerId()), 10, 0.1 * baseMs, acc);
    Action.Local l = (Action.Local) a;
    if (l.kind() == TargetKind.CPU) {
      double f = l.dvfsMHz();
      double lat = baseMs * 1800 / f * (1 + 1.2 * load);
      return new Profile.Expectation(lat, (0.3 + 2.7 * (f / 1800) * (f / 1800)) * lat / 1000, acc);
    }
    if (l.kind() == TargetKind.GPU) {
      double lat = 0.5 * baseMs * (1 + 0.3 * load);
      return new Profile.Expectation(lat, 2.0 * lat / 1000, acc);
    }
    double lat = 0.4 * baseMs * (1 + 0.2 * load);
    return new Profile.Expectation(lat, 1.0 * lat / 1000, acc);
  }

  private static Profile.Expectation offload(double rssi, double rttMs, double computeMs, double acc) {
    boolean weak = rssi < -80;
    double radioMs = rttMs + 0.15 / (weak ? 2 : 20) * 1000;
    double energy = (weak ? 2.5 : 1.0) * radioMs / 1000 + 0.3 * computeMs / 1000;
    return new Profile.Expectation(radioMs + computeMs, energy, acc);
  }

  /** One noisy measurement: latency and energy each times {@code max(0.5, 1 + noise N(0,1))}. */
  RequestOutcome run(Observation.Condition c, Action a) {
    Profile.Expectation e = expected(c, a);
    return new RequestOutcome(e.latencyMs() * factor(), e.energyJ() * factor(), e.accuracy(), true);
  }

  private double factor() {
    return Math.max(0.5, 1 + noise * random.nextGaussian());
  }

  /** The exhaustive, noise-free profile of every action under every condition. */
  Profile profile(Collection<Observation.Condition> conditions, ActionSpace space) {
    Map<Observation.Condition, Map<String, Profile.Expectation>> entries = new LinkedHashMap<>();
    for (Observation.Condition c : conditions) {
      Map<String, Profile.Expectation> byAction = new LinkedHashMap<>();
      for (Action a : space.actions()) byAction.put(a.id(), expected(c, a));
      entries.putIfAbsent(c, byAction);
    }
    return new Profile("mobilenet", space.ids(), entries);
  }

  /** The action of greatest expected reward under a condition among the space's allowed actions: the known best. */
  Action best(Observation.Condition c, ActionSpace space, AutoScaleSettings.Objective o) {
    Action best = null;
    double bestR = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < space.size(); i++) {
      if (o.maskAccuracyViolations() && !space.meetsAccuracy(i)) continue;
      Profile.Expectation e = expected(c, space.get(i));
      double r = Reward.of(o, new RequestOutcome(e.latencyMs(), e.energyJ(), e.accuracy(), true));
      if (r > bestR) {
        bestR = r;
        best = space.get(i);
      }
    }
    return best;
  }

  /** Expected rewards of the space's actions under a condition, best first (for checking the gap in tests). */
  List<Double> rewardsDescending(Observation.Condition c, ActionSpace space, AutoScaleSettings.Objective o) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < space.size(); i++) {
      if (o.maskAccuracyViolations() && !space.meetsAccuracy(i)) continue;
      Profile.Expectation e = expected(c, space.get(i));
      out.add(Reward.of(o, new RequestOutcome(e.latencyMs(), e.energyJ(), e.accuracy(), true)));
    }
    out.sort(java.util.Comparator.reverseOrder());
    return out;
  }
}
