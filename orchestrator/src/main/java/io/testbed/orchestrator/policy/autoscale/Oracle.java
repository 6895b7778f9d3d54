package io.testbed.orchestrator.policy.autoscale;

import java.util.HashMap;
import java.util.Map;

/**
 * The oracle baseline (SYSTEMS.md section 1): per request, with perfect knowledge of the request's conditions, the
 * feasible action (latency within QoS, accuracy at target) of least profiled energy; when none is feasible, the one of
 * least latency, marked as a fallback. Ties go to the earlier action of the profile. Immutable.
 */
public final class Oracle {
  public static final String NAME = "oracle";

  /**
   * The oracle's pick for a condition.
   *
   * @param fallback true when no action was feasible and this is the least-latency one
   */
  public record Choice(String actionId, Profile.Expectation expected, boolean fallback) {}

  private final Profile profile;
  private final AutoScaleSettings.Objective objective;
  private final Map<Observation.Condition, Choice> choices = new HashMap<>();

  public Oracle(Profile profile, AutoScaleSettings.Objective objective) {
    this.profile = profile;
    this.objective = objective;
    for (Observation.Condition c : profile.conditions()) choices.put(c, pick(c));
  }

  /** The oracle's choice under a condition of the profile; throws for a condition the profile lacks. */
  public Choice choose(Observation.Condition c) {
    Choice ch = choices.get(c);
    if (ch == null) throw new IllegalArgumentException("condition '" + c.name() + "' is not in the profile");
    return ch;
  }

  public Profile profile() {
    return profile;
  }

  /**
   * One request's record for {@link PolicyReport}: what the policy did and measured, next to the oracle's choice and
   * the profiled energy and feasibility of both under the request's condition.
   */
  public RequestRecord record(String policy, long index, Observation.Condition c, String actionId, RequestOutcome out) {
    Choice o = choose(c);
    Profile.Expectation mine = profile.expectation(c, actionId);
    return new RequestRecord(policy, index, actionId, o.actionId(), out.latencyMs(), out.energyJ(), out.accuracy(),
        out.ok(), mine.energyJ(), mine.feasible(objective), o.expected().energyJ(), o.fallback());
  }

  private Choice pick(Observation.Condition c) {
    String best = null;
    Profile.Expectation bestE = null;
    for (String id : profile.actionIds()) {
      Profile.Expectation e = profile.expectation(c, id);
      if (e.feasible(objective) && (bestE == null || e.energyJ() < bestE.energyJ())) {
        best = id;
        bestE = e;
      }
    }
    if (best != null) return new Choice(best, bestE, false);
    for (String id : profile.actionIds()) {
      Profile.Expectation e = profile.expectation(c, id);
      if (bestE == null || e.latencyMs() < bestE.latencyMs()) {
        best = id;
        bestE = e;
      }
    }
    return new Choice(best, bestE, true);
  }
}
