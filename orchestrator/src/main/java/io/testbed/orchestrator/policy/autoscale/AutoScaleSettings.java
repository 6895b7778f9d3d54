package io.testbed.orchestrator.policy.autoscale;

import java.util.ArrayList;
import java.util.List;

/**
 * Every knob of AutoScale's policy (SYSTEMS.md section 1): state bins, Q-learning hyper-parameters and the objective
 * (QoS, accuracy target, penalties). Immutable; the constructor checks every field and throws one
 * {@link IllegalArgumentException} naming each bad key (the keys are those of {@code testbed.orchestrator.autoscale}).
 *
 * @param bins how observations become a {@link StateKey}
 * @param learning Q-learning and exploration
 * @param objective what a good outcome is
 */
public record AutoScaleSettings(StateBins bins, Learning learning, Objective objective) {

  /**
   * State discretisation axes (SYSTEMS.md section 1: model features, co-runner CPU and memory, RSSI per link).
   *
   * @param convLayers number of CONV layers; default {@code <30 / <50 / >=50}
   * @param fcLayers number of FC layers; default {@code <10 / >=10}
   * @param recurrentLayers number of recurrent layers; default {@code no / yes}
   * @param macs multiply-accumulates per sample; default {@code <500M / <2G / >=2G} (our choice)
   * @param coRunnerCpu co-runner CPU utilisation in [0, 1]; default {@code 0 / <25% / <75% / >=75%}
   * @param memoryPressure co-runner memory pressure in [0, 1]; default as CPU (our choice)
   * @param rssiDbm signal strength of each offload link; default {@code weak (< -80 dBm) / regular}
   */
  public record StateBins(
      Bins convLayers, Bins fcLayers, Bins recurrentLayers, Bins macs, Bins coRunnerCpu, Bins memoryPressure,
      Bins rssiDbm) {

    /** The defaults of SYSTEMS.md section 1. */
    public static StateBins defaults() {
      return new StateBins(
          Bins.of(30, 50),
          Bins.of(10),
          Bins.of(1).labelled("no", "yes"),
          Bins.of(500e6, 2e9),
          Bins.withZero(0.25, 0.75),
          Bins.withZero(0.25, 0.75),
          Bins.of(-80).labelled("weak", "regular"));
    }

    void validate(List<String> problems) {
      check(problems, "bins.conv-layers", convLayers);
      check(problems, "bins.fc-layers", fcLayers);
      check(problems, "bins.recurrent-layers", recurrentLayers);
      check(problems, "bins.macs", macs);
      check(problems, "bins.co-runner-cpu", coRunnerCpu);
      check(problems, "bins.memory-pressure", memoryPressure);
      check(problems, "bins.rssi-dbm", rssiDbm);
    }

    /** A stable text of all axes: a stored Q-table is only reused under the same bins. */
    public String signature() {
      return "conv:" + convLayers.signature() + " fc:" + fcLayers.signature() + " rnn:" + recurrentLayers.signature()
          + " macs:" + macs.signature() + " cpu:" + coRunnerCpu.signature() + " mem:" + memoryPressure.signature()
          + " rssi:" + rssiDbm.signature();
    }

    private static void check(List<String> problems, String field, Bins b) {
      if (b == null) problems.add(field + " is required");
      else b.validate(field, problems);
    }
  }

  /**
   * Q-learning (SYSTEMS.md section 1: {@code Q(s,a) <- Q(s,a) + alpha [r + gamma max Q(s',a') - Q(s,a)]}) with
   * epsilon-greedy exploration. Exploration after {@code n} updates is {@code max(epsilonMin, epsilon * epsilonDecay^n)}.
   *
   * @param alpha learning rate in (0, 1]; default 0.9
   * @param gamma discount in [0, 1); default 0.1
   * @param epsilon exploration probability in [0, 1]; default 0.1
   * @param epsilonDecay factor per update in (0, 1]; default 1 (no decay)
   * @param epsilonMin floor of the decayed epsilon, in [0, epsilon]; default 0
   * @param initialQ value of an unseen (state, action); default 0, which is optimistic because every reward is
   *     {@code <= 0}: a greedy learner then tries each action of a new state once before settling
   */
  public record Learning(
      double alpha, double gamma, double epsilon, double epsilonDecay, double epsilonMin, double initialQ) {

    /** The defaults of SYSTEMS.md section 1. */
    public static Learning defaults() {
      return new Learning(0.9, 0.1, 0.1, 1.0, 0.0, 0.0);
    }

    void validate(List<String> problems) {
      if (!(alpha > 0 && alpha <= 1)) problems.add("learning.alpha must be in (0, 1], was " + alpha);
      if (!(gamma >= 0 && gamma < 1)) problems.add("learning.gamma must be in [0, 1), was " + gamma);
      if (!(epsilon >= 0 && epsilon <= 1)) problems.add("learning.epsilon must be in [0, 1], was " + epsilon);
      if (!(epsilonDecay > 0 && epsilonDecay <= 1)) {
        problems.add("learning.epsilon-decay must be in (0, 1], was " + epsilonDecay);
      }
      if (!(epsilonMin >= 0 && epsilonMin <= epsilon)) {
        problems.add("learning.epsilon-min must be in [0, epsilon], was " + epsilonMin);
      }
      if (!Double.isFinite(initialQ)) problems.add("learning.initial-q must be finite, was " + initialQ);
    }
  }

  /**
   * The objective: least energy per inference within the QoS latency and the accuracy target (SYSTEMS.md section 1).
   *
   * @param qosLatencyMs latency target per inference, > 0; default 50 ms (our choice)
   * @param accuracyTarget in [0, 1]; default 0 (no target: set it per model)
   * @param violationPenalty subtracted from the reward when latency > QoS or accuracy < target, >= 0, in joule-equivalents;
   *     default 10 (larger than any inference's energy, so a feasible action always wins)
   * @param failurePenalty subtracted when the inference failed (timeout, rejected, error), >= 0; default 20
   * @param maskAccuracyViolations true: actions known to miss the accuracy target are never chosen; default true
   */
  public record Objective(
      double qosLatencyMs, double accuracyTarget, double violationPenalty, double failurePenalty,
      boolean maskAccuracyViolations) {

    /** The defaults (SYSTEMS.md section 1; values marked "our choice" above). */
    public static Objective defaults() {
      return new Objective(50, 0.0, 10, 20, true);
    }

    void validate(List<String> problems) {
      if (!(qosLatencyMs > 0) || Double.isInfinite(qosLatencyMs)) {
        problems.add("objective.qos-latency-ms must be a finite number > 0, was " + qosLatencyMs);
      }
      if (!(accuracyTarget >= 0 && accuracyTarget <= 1)) {
        problems.add("objective.accuracy-target must be in [0, 1], was " + accuracyTarget);
      }
      if (!(violationPenalty >= 0) || Double.isInfinite(violationPenalty)) {
        problems.add("objective.violation-penalty must be a finite number >= 0, was " + violationPenalty);
      }
      if (!(failurePenalty >= 0) || Double.isInfinite(failurePenalty)) {
        problems.add("objective.failure-penalty must be a finite number >= 0, was " + failurePenalty);
      }
    }
  }

  public AutoScaleSettings {
    List<String> problems = new ArrayList<>();
    if (bins == null) problems.add("bins is required");
    else bins.validate(problems);
    if (learning == null) problems.add("learning is required");
    else learning.validate(problems);
    if (objective == null) problems.add("objective is required");
    else objective.validate(problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid autoscale configuration: " + String.join("; ", problems));
    }
  }

  /** All defaults of SYSTEMS.md section 1. */
  public static AutoScaleSettings defaults() {
    return new AutoScaleSettings(StateBins.defaults(), Learning.defaults(), Objective.defaults());
  }

  /** These settings with another objective (QoS and accuracy are per model). */
  public AutoScaleSettings withObjective(Objective o) {
    return new AutoScaleSettings(bins, learning, o);
  }

  /** These settings with other learning parameters. */
  public AutoScaleSettings withLearning(Learning l) {
    return new AutoScaleSettings(bins, l, objective);
  }
}
