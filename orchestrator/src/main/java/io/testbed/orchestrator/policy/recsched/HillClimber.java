package io.testbed.orchestrator.policy.recsched;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DeepRecSched's inner loop (SYSTEMS.md section 2): for one fixed configuration, find the highest sustainable load.
 * After every window of completed queries: p95 > SLA lowers the load one grid step, p95 < SLA / holdBand raises it one
 * step, otherwise it holds. After the timeout ({@code maxWindows} windows, or {@code maxDurationNs} since
 * {@link #start}, whichever first) the sustainable QPS is the median of the loads of the last {@code medianOfLast}
 * windows (the lower median for an even count, so it is a grid point that was actually run); its p95 and p99 are exact
 * nearest-rank values over all queries of those windows.
 *
 * <p>Confirmation (our addition, {@code confirmWindows} > 0; 0 keeps the paper's loop exactly): 64-query windows are
 * short next to a loaded queue's settling time, so the climb overshoots and the last windows mix transients. The
 * climber then runs {@code confirmWindows} windows at the median load (the first a warm-up when there are two or
 * more); if their pooled p95 meets the SLA, that load and those percentiles are the result, else it steps one grid
 * point down and confirms again, down to the grid's bottom. A pure state machine: the caller measures, this decides.
 */
public final class HillClimber {

  /** How the load moved after a window. */
  public enum Move { UP, DOWN, HOLD }

  /** What the caller does next. */
  public sealed interface Step permits Load, Done {}

  /** Run (or keep running) the load at {@code qps}, grid point {@code gridIndex}. */
  public record Load(int gridIndex, double qps, Move move) implements Step {}

  /** The search for this configuration is over. */
  public record Done(Sustainable result) implements Step {}

  /**
   * One window as the climber judged it.
   *
   * @param move the verdict on the window (DOWN at the grid's bottom stays DOWN here though the load cannot move)
   * @param confirming the window belongs to the confirmation phase
   */
  public record WindowTrace(int window, int gridIndex, double qps, long p95Ns, long p99Ns, Move move,
      boolean confirming) {}

  /**
   * The configuration's sustainable load.
   *
   * @param qps the load found; 0 when the configuration missed the SLA even at the grid's lowest load
   *     ({@code feasible} false)
   * @param p95Ns pooled over the windows the result rests on (the last {@code medianOfLast}, or the counted
   *     confirmation windows)
   * @param atGridTop every one of the last climbing windows ran at the grid's top and wanted more: the grid is too small
   * @param stillClimbing every one of the last climbing windows (below the grid's top) moved the load up: the windows
   *     ran out before the SLA was reached, so {@code qps} is a lower bound set by {@code maxWindows}, not by the SLA
   * @param confirmed the result comes from a confirmation round
   * @param slaMet {@code p95Ns} <= SLA
   * @param trace every window, in order
   */
  public record Sustainable(double qps, int gridIndex, long p95Ns, long p99Ns, int windows, boolean feasible,
      boolean atGridTop, boolean stillClimbing, boolean confirmed, boolean slaMet, List<WindowTrace> trace) {
    public Sustainable {
      trace = List.copyOf(trace);
    }
  }

  private final HillClimbSettings s;
  private final List<WindowTrace> trace = new ArrayList<>();
  private final List<long[]> climbLatencies = new ArrayList<>();
  private final List<long[]> confirmLatencies = new ArrayList<>();
  private int index;
  private long startNs;
  private boolean started;
  private boolean confirming;
  private int confirmSeen;
  private boolean atTop;
  private boolean climbing;
  private Done done;

  public HillClimber(HillClimbSettings settings, int startIndex) {
    if (settings == null) throw new IllegalArgumentException("settings are required");
    this.s = settings;
    this.index = settings.grid().clamp(startIndex);
  }

  /** Begins the search at {@code nowNs} (the caller's clock): run the first load. */
  public Load start(long nowNs) {
    if (started) throw new IllegalStateException("already started");
    started = true;
    startNs = nowNs;
    return new Load(index, s.grid().qpsAt(index), Move.HOLD);
  }

  /** The load the current window runs at. */
  public double currentQps() { return s.grid().qpsAt(index); }

  public int currentIndex() { return index; }

  public boolean isDone() { return done != null; }

  /** Judges one window measured at the current load. After {@link Done}, returns the same {@link Done} again. */
  public Step onWindow(WindowStats w) {
    if (!started) throw new IllegalStateException("start() first");
    if (done != null) return done;
    return confirming ? confirmWindow(w) : climbWindow(w);
  }

  private Step climbWindow(WindowStats w) {
    long p95 = w.p95Ns();
    Move move = s.overSla(p95) ? Move.DOWN : s.belowBand(p95) ? Move.UP : Move.HOLD;
    trace.add(new WindowTrace(trace.size(), index, s.grid().qpsAt(index), p95, w.p99Ns(), move, false));
    climbLatencies.add(w.sortedArray());
    boolean timedOut = trace.size() >= s.maxWindows()
        || (s.maxDurationNs() > 0 && w.endNs() - startNs >= s.maxDurationNs());
    if (timedOut) return afterTimeout();
    int next = switch (move) {
      case UP -> s.grid().up(index);
      case DOWN -> s.grid().down(index);
      case HOLD -> index;
    };
    return moveTo(next);
  }

  private Step afterTimeout() {
    int k = Math.min(s.medianOfLast(), trace.size());
    List<WindowTrace> last = trace.subList(trace.size() - k, trace.size());
    int[] idx = last.stream().mapToInt(WindowTrace::gridIndex).sorted().toArray();
    int medianIndex = idx[(k - 1) / 2];
    int top = s.grid().top();
    atTop = last.stream().allMatch(t -> t.gridIndex() == top && t.move() == Move.UP);
    climbing = !atTop && last.stream().allMatch(t -> t.move() == Move.UP);
    if (s.confirmWindows() > 0) {
      confirming = true;
      confirmSeen = 0;
      return moveTo(medianIndex);
    }
    boolean infeasible = last.stream().allMatch(t -> t.gridIndex() == 0 && t.move() == Move.DOWN);
    long[] pooled = pool(climbLatencies.subList(climbLatencies.size() - k, climbLatencies.size()));
    return finish(infeasible ? -1 : medianIndex, pooled, false);
  }

  private Step confirmWindow(WindowStats w) {
    confirmSeen++;
    boolean warmUp = s.confirmWindows() >= 2 && confirmSeen == 1;
    if (!warmUp) confirmLatencies.add(w.sortedArray());
    boolean roundOver = confirmSeen >= s.confirmWindows();
    long[] pooled = roundOver ? pool(confirmLatencies) : null;
    boolean met = roundOver && !s.overSla(Percentiles.nearestRank(pooled, 0.95));
    Move verdict = !roundOver || met ? Move.HOLD : Move.DOWN;
    trace.add(new WindowTrace(trace.size(), index, s.grid().qpsAt(index), w.p95Ns(), w.p99Ns(), verdict, true));
    if (!roundOver) return new Load(index, s.grid().qpsAt(index), Move.HOLD);
    if (met) return finish(index, pooled, true);
    if (index == 0) return finish(-1, pooled, true);
    confirmSeen = 0;
    confirmLatencies.clear();
    return moveTo(index - 1);
  }

  private Load moveTo(int next) {
    // A move the grid clamps (already at an end) is a hold for the caller: the load does not change.
    Move m = next > index ? Move.UP : next < index ? Move.DOWN : Move.HOLD;
    index = next;
    return new Load(index, s.grid().qpsAt(index), m);
  }

  /** @param resultIndex -1 = infeasible */
  private Done finish(int resultIndex, long[] pooled, boolean confirmed) {
    long p95 = Percentiles.nearestRank(pooled, 0.95);
    long p99 = Percentiles.nearestRank(pooled, 0.99);
    boolean feasible = resultIndex >= 0;
    done = new Done(new Sustainable(feasible ? s.grid().qpsAt(resultIndex) : 0, Math.max(0, resultIndex), p95, p99,
        trace.size(), feasible, atTop, climbing, confirmed, feasible && !s.overSla(p95), trace));
    return done;
  }

  private static long[] pool(List<long[]> windows) {
    return windows.stream().flatMapToLong(Arrays::stream).sorted().toArray();
  }
}
