package io.testbed.orchestrator.policy.autoscale;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * AutoScale's tabular Q-learner (SYSTEMS.md section 1) for one device and model: epsilon-greedy {@link #decide} and
 * the update {@code Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)]}. Pure apart from its own table and
 * the injected random generator, so a seed fixes every choice. Not thread-safe (one actor owns it).
 *
 * <p>Allowed actions: those available in the space passed to {@code decide}, and, when
 * {@code objective.maskAccuracyViolations}, meeting the accuracy target; if the mask would leave nothing, the
 * available ones. Ties among greedy maxima are broken uniformly at random. An unseen (state, action) is worth
 * {@code learning.initialQ} (default 0: optimistic, since rewards are {@code <= 0}).
 *
 * <p>Hot path: one hash lookup per state, array scans over the actions, one small array copy for the decision.
 */
public final class QLearner {
  private final AutoScaleSettings settings;
  private final ActionSpace space;
  private final QTable table;
  private final RandomGenerator random;
  private final double[] initialRow;
  private final boolean mask;
  private double epsilon;

  /**
   * @param table a table for this space; one with other action ids is re-indexed ({@link QTable#remapTo}), and one
   *     learned under other bins is refused
   */
  public QLearner(AutoScaleSettings settings, ActionSpace space, QTable table, RandomGenerator random) {
    if (settings == null || space == null || table == null || random == null) {
      throw new IllegalArgumentException("settings, space, table and random are required");
    }
    if (!table.binsSignature().equals(settings.bins().signature())) {
      throw new IllegalArgumentException("table " + table.id() + " was learned under other bins ("
          + table.binsSignature() + "), not " + settings.bins().signature());
    }
    AutoScaleSettings.Learning l = settings.learning();
    this.settings = settings;
    this.space = space;
    this.table = table.remapTo(space.ids(), l.initialQ());
    this.random = random;
    this.initialRow = new double[space.size()];
    Arrays.fill(initialRow, l.initialQ());
    this.mask = settings.objective().maskAccuracyViolations();
    this.epsilon = Math.max(l.epsilonMin(), l.epsilon() * Math.pow(l.epsilonDecay(), this.table.updates()));
  }

  /** A learner with an empty table for this device and model. */
  public static QLearner fresh(AutoScaleSettings settings, ActionSpace space, QTable.Id id, RandomGenerator random) {
    return new QLearner(settings, space, QTable.empty(id, settings.bins().signature(), space.ids()), random);
  }

  /** Chooses among all available actions of the learner's space. */
  public Decision decide(StateKey s) {
    return decide(s, space);
  }

  /**
   * Chooses an action for a request in state {@code s}: with probability epsilon a uniformly random allowed action,
   * else the allowed action of greatest Q.
   *
   * @param actions the learner's space or a copy with some actions unavailable ({@link ActionSpace#withUnavailable})
   */
  public Decision decide(StateKey s, ActionSpace actions) {
    if (actions != space && !actions.sameActionsAs(space)) {
      throw new IllegalArgumentException("actions " + actions + " are not the learner's " + space);
    }
    double[] q = table.rowOrNull(s);
    if (q == null) q = initialRow;
    boolean useMask = mask && anyAllowed(actions, true);
    int n = q.length;
    boolean explore = epsilon > 0 && random.nextDouble() < epsilon;
    int chosen = -1;
    if (explore) {
      int count = 0;
      for (int i = 0; i < n; i++) if (allowed(actions, i, useMask)) count++;
      if (count == 0) throw new IllegalStateException("no available action");
      int k = random.nextInt(count);
      for (int i = 0; i < n; i++) {
        if (allowed(actions, i, useMask) && k-- == 0) {
          chosen = i;
          break;
        }
      }
    } else {
      double best = Double.NEGATIVE_INFINITY;
      int ties = 0;
      for (int i = 0; i < n; i++) {
        if (!allowed(actions, i, useMask)) continue;
        double v = q[i];
        if (v > best) {
          best = v;
          chosen = i;
          ties = 1;
        } else if (v == best && random.nextInt(++ties) == 0) {
          chosen = i;
        }
      }
      if (chosen < 0) throw new IllegalStateException("no available action");
    }
    return new Decision(space.get(chosen), chosen, explore, q.clone());
  }

  /** The greedy choice in {@code s} (no exploration, ties to the lowest index); leaves the random generator alone. */
  public Action greedy(StateKey s) {
    double[] q = table.rowOrNull(s);
    if (q == null) q = initialRow;
    boolean useMask = mask && anyAllowed(space, true);
    int chosen = -1;
    for (int i = 0; i < q.length; i++) {
      if (allowed(space, i, useMask) && (chosen < 0 || q[i] > q[chosen])) chosen = i;
    }
    return space.get(chosen);
  }

  /** The Q-learning update for the decision's action, see {@link #update(StateKey, int, double, StateKey)}. */
  public void update(StateKey s, Action a, double reward, StateKey next) {
    update(s, space.indexOf(a), reward, next);
  }

  /**
   * {@code Q(s,a) <- Q(s,a) + alpha [r + gamma max_a' Q(s',a') - Q(s,a)]} (SYSTEMS.md section 1), the max over the
   * allowed actions of {@code next}; a null {@code next} (no following request) drops the bootstrap term. Then
   * epsilon decays by {@code learning.epsilonDecay}, down to {@code learning.epsilonMin}.
   *
   * @param reward from {@link Reward#of}
   */
  public void update(StateKey s, int actionIndex, double reward, StateKey next) {
    if (!Double.isFinite(reward)) throw new IllegalArgumentException("reward must be finite, was " + reward);
    if (actionIndex < 0 || actionIndex >= space.size()) {
      throw new IllegalArgumentException("actionIndex " + actionIndex + " is not in " + space);
    }
    AutoScaleSettings.Learning l = settings.learning();
    double future = 0;
    if (next != null) {
      double[] qn = table.rowOrNull(next);
      if (qn == null) qn = initialRow;
      boolean useMask = mask && anyAllowed(space, true);
      double best = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < qn.length; i++) if (allowed(space, i, useMask) && qn[i] > best) best = qn[i];
      future = best;
    }
    double[] q = table.rowForUpdate(s, l.initialQ());
    q[actionIndex] += l.alpha() * (reward + l.gamma() * future - q[actionIndex]);
    table.countUpdate();
    if (epsilon > l.epsilonMin()) epsilon = Math.max(l.epsilonMin(), epsilon * l.epsilonDecay());
  }

  /** The current exploration probability. */
  public double epsilon() {
    return epsilon;
  }

  public ActionSpace space() {
    return space;
  }

  /** The live table; take {@link QTable#copy()} to persist or export it. */
  public QTable table() {
    return table;
  }

  private boolean allowed(ActionSpace a, int i, boolean useMask) {
    return a.available(i) && (!useMask || a.meetsAccuracy(i));
  }

  private static boolean anyAllowed(ActionSpace a, boolean useMask) {
    for (int i = 0; i < a.size(); i++) if (a.available(i) && (!useMask || a.meetsAccuracy(i))) return true;
    return false;
  }
}
