package io.testbed.orchestrator.policy.autoscale;

import io.testbed.protocol.ModelFeatures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs policies on one request trace (a condition per request) against a {@link SyntheticEnvironment}, as the
 * experiment will against devices: observe, decide, run, reward, update with the next request's state.
 */
final class TraceRunner {
  private TraceRunner() {}

  /** A trace of {@code n} requests per condition, in order. */
  static List<Observation.Condition> segments(int n, Observation.Condition... conditions) {
    List<Observation.Condition> out = new ArrayList<>();
    for (Observation.Condition c : conditions) out.addAll(Collections.nCopies(n, c));
    return out;
  }

  static List<RequestRecord> learner(String name, QLearner learner, StateDiscretiser d, ModelFeatures f,
      List<Observation.Condition> trace, SyntheticEnvironment env, Oracle oracle, AutoScaleSettings.Objective o) {
    List<RequestRecord> out = new ArrayList<>(trace.size());
    StateKey prev = null;
    Action prevAction = null;
    double prevReward = 0;
    List<String> links = learner.space().links();
    for (int i = 0; i < trace.size(); i++) {
      Observation.Condition c = trace.get(i);
      StateKey s = d.key(new Observation(f, c), links);
      if (prev != null) learner.update(prev, prevAction, prevReward, s);
      Decision dec = learner.decide(s);
      RequestOutcome r = env.run(c, dec.action());
      out.add(oracle.record(name, i, c, dec.action().id(), r));
      prev = s;
      prevAction = dec.action();
      prevReward = Reward.of(o, r);
    }
    if (prev != null) learner.update(prev, prevAction, prevReward, null);
    return out;
  }

  static List<RequestRecord> fixed(StaticPolicy p, List<Observation.Condition> trace, SyntheticEnvironment env,
      Oracle oracle) {
    List<RequestRecord> out = new ArrayList<>(trace.size());
    for (int i = 0; i < trace.size(); i++) {
      Observation.Condition c = trace.get(i);
      out.add(oracle.record(p.name(), i, c, p.choose().id(), env.run(c, p.choose())));
    }
    return out;
  }

  static List<RequestRecord> oracle(Oracle oracle, ActionSpace space, List<Observation.Condition> trace,
      SyntheticEnvironment env) {
    List<RequestRecord> out = new ArrayList<>(trace.size());
    for (int i = 0; i < trace.size(); i++) {
      Observation.Condition c = trace.get(i);
      Action a = space.get(space.indexOf(oracle.choose(c).actionId()));
      out.add(oracle.record(Oracle.NAME, i, c, a.id(), env.run(c, a)));
    }
    return out;
  }
}
