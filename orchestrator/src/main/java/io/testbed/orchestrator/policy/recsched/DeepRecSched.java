package io.testbed.orchestrator.policy.recsched;

import io.testbed.orchestrator.policy.recsched.HillClimber.Load;
import io.testbed.orchestrator.policy.recsched.HillClimber.Move;
import io.testbed.orchestrator.policy.recsched.HillClimber.Step;
import io.testbed.orchestrator.policy.recsched.HillClimber.Sustainable;
import io.testbed.orchestrator.policy.recsched.RecSchedDecision.Trial;
import java.util.ArrayList;
import java.util.List;

/**
 * DeepRecSched's outer loop (SYSTEMS.md section 2): measure each configuration's sustainable QPS with a
 * {@link HillClimber}; first walk the batch sizes in order (offload off) while the QPS does not drop, keeping the best
 * B; then, with that B, walk the offload thresholds the same way, keeping the best T. "Best" is the highest QPS, a tie
 * going to the lower p95 and then to the configuration tried first; the walk stops at the first configuration whose
 * QPS is below the best so far (a tie walks on, so a plateau does not end the search early). Each inner loop after the
 * first starts at the previous configuration's sustainable load.
 */
public final class DeepRecSched implements RecScheduler {
  public static final String NAME = "deeprecsched";

  private enum Phase { BATCH, THRESHOLD, DONE }

  private final RecSchedSettings s;
  private final List<Trial> history = new ArrayList<>();
  private Phase phase = Phase.BATCH;
  private int position; // index into the current phase's list
  private RecConfig current;
  private HillClimber climber;
  private Trial best;
  private long epoch;
  private int nextStartIndex;
  private RecSchedDecision.Finished finished;

  public DeepRecSched(RecSchedSettings settings) {
    if (settings == null) throw new IllegalArgumentException("settings are required");
    this.s = settings;
    this.nextStartIndex = settings.startGridIndex();
  }

  @Override
  public String name() { return NAME; }

  @Override
  public RecSchedDecision start(long nowNs) {
    if (climber != null) throw new IllegalStateException("already started");
    return configure(RecConfig.cpuOnly(s.batchSizes().get(0)), nowNs);
  }

  /** The configuration being measured now (null before start). */
  public RecConfig current() { return current; }

  public List<Trial> history() { return List.copyOf(history); }

  @Override
  public RecSchedDecision onWindow(WindowStats window) {
    if (climber == null) throw new IllegalStateException("start() first");
    if (finished != null) return finished;
    Step step = climber.onWindow(window);
    if (step instanceof Load load) {
      if (load.move() == Move.HOLD) return RecSchedDecision.Hold.INSTANCE;
      return new RecSchedDecision.SetLoad(load.qps(), ++epoch);
    }
    Sustainable r = ((HillClimber.Done) step).result();
    Trial t = new Trial(current, r);
    history.add(t);
    boolean keepWalking = best == null || r.qps() >= best.result().qps();
    if (best == null || better(r, best.result())) best = t;
    if (r.feasible()) nextStartIndex = r.gridIndex();
    RecConfig next = keepWalking ? nextInPhase() : null;
    if (next == null) next = nextPhase();
    if (next == null) {
      phase = Phase.DONE;
      finished = new RecSchedDecision.Finished(best.config(), best.result().qps(), best.result().p95Ns(),
          best.result().p99Ns(), history);
      return finished;
    }
    return configure(next, window.endNs());
  }

  private static boolean better(Sustainable a, Sustainable b) {
    if (a.qps() != b.qps()) return a.qps() > b.qps();
    return a.p95Ns() < b.p95Ns();
  }

  /** The next configuration of the phase under way, or null when its list is exhausted. */
  private RecConfig nextInPhase() {
    position++;
    if (phase == Phase.BATCH) {
      return position < s.batchSizes().size() ? RecConfig.cpuOnly(s.batchSizes().get(position)) : null;
    }
    return position < s.offloadThresholds().size() ? thresholdConfig(position) : null;
  }

  /** Moves from the batch phase to the threshold phase (the best B, first threshold); null when there is none. */
  private RecConfig nextPhase() {
    if (phase != Phase.BATCH || s.offloadThresholds().isEmpty()) return null;
    phase = Phase.THRESHOLD;
    position = 0;
    return thresholdConfig(0);
  }

  private RecConfig thresholdConfig(int i) {
    return new RecConfig(best.config().batchSize(), s.offloadThresholds().get(i));
  }

  private RecSchedDecision configure(RecConfig config, long nowNs) {
    current = config;
    climber = new HillClimber(s.climb(), nextStartIndex);
    Load first = climber.start(nowNs);
    return new RecSchedDecision.Configure(config, first.qps(), ++epoch);
  }
}
