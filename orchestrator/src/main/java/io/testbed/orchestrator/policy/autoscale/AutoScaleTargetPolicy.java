package io.testbed.orchestrator.policy.autoscale;

import io.testbed.orchestrator.policy.TargetPolicy;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.Precision;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * AutoScale as the experiment runner's {@link TargetPolicy}: per query, observes the device (model features from its
 * hello; co-runner CPU, memory pressure and per-link RSSI from its last heartbeat), discretises the state, lets the
 * {@link QLearner} of that device and model pick an action (local target + precision + DVFS level, or an offload to an
 * edge/cloud peer), and learns from the query's result (latency from LoadGen, the device's energy, INT8 agreement or
 * the precision's known accuracy, outcome). One request is one Q-learning step: a step's update waits for the next
 * request's state of the same table ({@link #finish()} closes the last one). Q-tables are loaded from and saved to a
 * {@link QTableStore} (every {@code saveEvery} updates and on {@link #finish()}), so learning survives restarts; a
 * stored table learned under other bins is discarded. Single-threaded (LoadGen's thread), deterministic under its seed.
 */
public final class AutoScaleTargetPolicy implements TargetPolicy {

  /** One learning step as it went (for the {@code decision} time series and the comparison report). */
  public record Step(long queryId, int repetition, String deviceId, String model, String actionId, String state,
      boolean explored, double qValue, double reward, RequestOutcome outcome) {}

  /**
   * How the policy is set up.
   *
   * @param device the device it places queries on (its hello: targets, DVFS levels, models and features)
   * @param peers offload peers (edge/cloud hellos with endpoints)
   * @param models the experiment's models, round-robin per query
   * @param precisionAccuracy known accuracy per precision, used when a result reports no {@code agreement}
   * @param saveEvery persist the tables every this many updates (0: only on {@link #finish()})
   */
  public record Setup(Hello device, List<Hello> peers, List<String> models, AutoScaleSettings settings, AccuracyMask mask,
      Map<Precision, Double> precisionAccuracy, QTableStore store, long seed, int saveEvery) {
    public Setup {
      peers = List.copyOf(peers);
      models = List.copyOf(models);
      precisionAccuracy = Map.copyOf(precisionAccuracy);
    }
  }

  private record Pending(StateKey state, int actionIndex, double reward) {}

  private record Placed(String model, StateKey state, io.testbed.orchestrator.policy.autoscale.Decision decision) {}

  private final Setup setup;
  private final StateDiscretiser discretiser;
  private final QTableJson codec;
  private final Map<String, QLearner> learners = new LinkedHashMap<>();
  private final Map<String, Deque<Pending>> awaiting = new HashMap<>();
  private final Map<Long, Placed> placed = new HashMap<>();
  private final Consumer<Step> steps;
  private final List<String> notes = new ArrayList<>();
  private long updates;

  /** Loads (or starts) the Q-table of each model; {@code steps} hears every completed step. */
  public AutoScaleTargetPolicy(Setup setup, Consumer<Step> steps) {
    this.setup = setup;
    this.steps = steps;
    this.discretiser = new StateDiscretiser(setup.settings().bins());
    this.codec = new QTableJson(discretiser);
    SplittableRandom root = new SplittableRandom(setup.seed());
    for (String model : setup.models()) {
      ActionSpace space = ActionSpace.from(setup.device(), setup.peers(), model, setup.mask());
      QTable.Id id = new QTable.Id(setup.device().deviceId(), model);
      Optional<QTable> stored = setup.store().load(id).toCompletableFuture().join();
      QLearner learner = null;
      if (stored.isPresent()) {
        try {
          learner = new QLearner(setup.settings(), space, stored.get(), root.split());
          notes.add("resumed Q-table " + id.deviceId() + "/" + model + " (" + stored.get().updates() + " updates)");
        } catch (IllegalArgumentException e) {
          notes.add("discarded Q-table " + id.deviceId() + "/" + model + ": " + e.getMessage());
        }
      }
      if (learner == null) learner = QLearner.fresh(setup.settings(), space, id, root.split());
      learners.put(model, learner);
      awaiting.put(model, new ArrayDeque<>());
    }
  }

  @Override
  public String name() {
    return "autoscale";
  }

  @Override
  public boolean observes() {
    return true;
  }

  @Override
  public TargetPolicy.Decision choose(QueryContext query, FleetState fleet) {
    return choose(query, fleet, Map.of());
  }

  @Override
  public TargetPolicy.Decision choose(QueryContext query, FleetState fleet, Map<String, Heartbeat> lastHeartbeats) {
    String model = setup.models().get((int) (query.queryId() % setup.models().size()));
    QLearner learner = learners.get(model);
    StateKey s = discretiser.key(observe(model, lastHeartbeats.get(setup.device().deviceId())), learner.space().links());
    Deque<Pending> q = awaiting.get(model);
    while (!q.isEmpty()) {
      Pending p = q.poll();
      learner.update(p.state(), p.actionIndex(), p.reward(), s);
      updated();
    }
    ActionSpace actions = fleet.lost().isEmpty() ? learner.space() : learner.space().withUnavailable(fleet.lost());
    io.testbed.orchestrator.policy.autoscale.Decision d = learner.decide(s, actions);
    placed.put(query.queryId(), new Placed(model, s, d));
    Action a = d.action();
    return new TargetPolicy.Decision(setup.device().deviceId(), model, a.commandTarget(), a.offloadTo(), a.precision(),
        a.dvfsLevelMHz());
  }

  @Override
  public void learn(QueryContext query, TargetPolicy.Decision decision, Feedback feedback) {
    learn(query, decision, feedback, null);
  }

  @Override
  public void learn(QueryContext query, TargetPolicy.Decision decision, Feedback feedback, InferenceResult result) {
    Placed p = placed.remove(query.queryId());
    if (p == null) return;
    RequestOutcome out = outcome(p.decision().action(), feedback, result);
    double r = Reward.of(setup.settings().objective(), out);
    awaiting.get(p.model()).add(new Pending(p.state(), p.decision().actionIndex(), r));
    double q = p.decision().qValues()[p.decision().actionIndex()];
    steps.accept(new Step(query.queryId(), query.repetition(), setup.device().deviceId(), p.model(),
        p.decision().action().id(), discretiser.text(p.state()), p.decision().explored(), q, r, out));
  }

  /** Closes every open step (no next state) and saves the tables. */
  public void finish() {
    for (Map.Entry<String, QLearner> e : learners.entrySet()) {
      Deque<Pending> q = awaiting.get(e.getKey());
      while (!q.isEmpty()) {
        Pending p = q.poll();
        e.getValue().update(p.state(), p.actionIndex(), p.reward(), null);
        updates++;
      }
    }
    save();
  }

  /** Saves a snapshot of every table to the store (waits for it). */
  public void save() {
    for (QLearner l : learners.values()) setup.store().save(l.table().copy()).toCompletableFuture().join();
  }

  /** The learner of one model (tests, reports). */
  public QLearner learner(String model) {
    return learners.get(model);
  }

  /** What happened to stored tables when the policy started (resumed / discarded, with the reason). */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  public StateDiscretiser discretiser() {
    return discretiser;
  }

  public QTableJson codec() {
    return codec;
  }

  /** The observation of one request: the model's features and the heartbeat's conditions (0 / unknown when absent). */
  Observation observe(String model, Heartbeat hb) {
    ModelInfo m = setup.device().model(model).orElseThrow();
    double cpu = hb == null || hb.coRunnerCpuUtilisation() == null ? 0 : hb.coRunnerCpuUtilisation();
    double mem = hb == null || hb.memoryPressure() == null ? 0 : hb.memoryPressure();
    return Observation.of(m.features(), cpu, mem, hb == null ? null : hb.linkRssiDbm());
  }

  private RequestOutcome outcome(Action a, Feedback f, InferenceResult result) {
    double accuracy = Double.NaN;
    if (result != null && result.metrics() != null && result.metrics().get("agreement") != null) {
      accuracy = result.metrics().get("agreement");
    } else if (setup.precisionAccuracy().containsKey(a.precision())) {
      accuracy = setup.precisionAccuracy().get(a.precision());
    }
    boolean ok = f.ok() && (result == null || result.outcome() == Outcome.OK);
    double energy = f.energyJ() == null ? 0 : f.energyJ();
    return new RequestOutcome(f.latencyMs(), energy, accuracy, ok);
  }

  private void updated() {
    updates++;
    if (setup.saveEvery() > 0 && updates % setup.saveEvery() == 0) save();
  }
}
