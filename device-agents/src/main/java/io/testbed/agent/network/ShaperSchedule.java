package io.testbed.agent.network;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Link conditions as a function of time since the schedule started. Pure and deterministic: random schedules draw from
 * a seeded generator in step order and remember their steps, so {@code at(t)} is the same for the same seed whatever
 * the order of the calls.
 */
public sealed interface ShaperSchedule
    permits ShaperSchedule.Constant, ShaperSchedule.Steps, ShaperSchedule.RandomWalk, ShaperSchedule.Markov, ShaperSchedule.TraceReplay {

  /** The conditions in force {@code elapsedMs} after the start ({@code >= 0}). */
  LinkConditions at(long elapsedMs);

  /** Always the same conditions. */
  record Constant(LinkConditions conditions) implements ShaperSchedule {
    public Constant {
      if (conditions == null) throw new IllegalArgumentException("conditions are required");
    }

    @Override
    public LinkConditions at(long elapsedMs) { return conditions; }
  }

  /** One step: from {@code atMs} on, {@code conditions}. */
  record Step(long atMs, LinkConditions conditions) {
    public Step {
      if (atMs < 0) throw new IllegalArgumentException("step at-ms must be >= 0, was " + atMs);
      if (conditions == null) throw new IllegalArgumentException("step conditions are required");
    }
  }

  /** Piecewise constant: the last step whose time has come (the first step before its time); repeats every {@code periodMs} when > 0. */
  record Steps(List<Step> steps, long periodMs) implements ShaperSchedule {
    public Steps {
      steps = List.copyOf(steps);
      if (steps.isEmpty()) throw new IllegalArgumentException("steps: at least one step is required");
      for (int i = 1; i < steps.size(); i++) {
        if (steps.get(i).atMs() <= steps.get(i - 1).atMs()) throw new IllegalArgumentException("steps must be in increasing at-ms order");
      }
      if (periodMs < 0 || (periodMs > 0 && periodMs <= steps.get(steps.size() - 1).atMs())) {
        throw new IllegalArgumentException("steps period-ms must be 0 (no repeat) or longer than the last step, was " + periodMs);
      }
    }

    @Override
    public LinkConditions at(long elapsedMs) {
      long t = periodMs > 0 ? elapsedMs % periodMs : elapsedMs;
      LinkConditions c = steps.get(0).conditions();
      for (Step s : steps) {
        if (s.atMs() <= t) c = s.conditions();
        else break;
      }
      return c;
    }
  }

  /**
   * The RSSI takes a random walk: every {@code intervalMs} it moves by a uniform step in [-stepDb, +stepDb], reflected
   * at [minDbm, maxDbm]; conditions come from the RSSI map of {@code technology}.
   */
  final class RandomWalk implements ShaperSchedule {
    private final RssiLinkMap map;
    private final RadioTechnology technology;
    private final double stepDb;
    private final long intervalMs;
    private final double minDbm;
    private final double maxDbm;
    private final RandomGenerator random;
    private final List<Double> walk = new ArrayList<>();

    public RandomWalk(RssiLinkMap map, RadioTechnology technology, double startDbm, double stepDb, long intervalMs, double minDbm, double maxDbm,
        RandomGenerator random) {
      if (!(minDbm < maxDbm) || !(startDbm >= minDbm && startDbm <= maxDbm)) {
        throw new IllegalArgumentException("random walk needs min-dbm < max-dbm and start-dbm inside them");
      }
      if (!(stepDb >= 0) || intervalMs <= 0) throw new IllegalArgumentException("random walk needs step-db >= 0 and interval-ms > 0");
      this.map = map;
      this.technology = technology;
      this.stepDb = stepDb;
      this.intervalMs = intervalMs;
      this.minDbm = minDbm;
      this.maxDbm = maxDbm;
      this.random = random;
      walk.add(startDbm);
    }

    /** RSSI at step {@code k} ({@code k = elapsed / interval}). */
    public synchronized double rssiAtStep(int k) {
      while (walk.size() <= k) {
        double next = walk.get(walk.size() - 1) + (random.nextDouble() * 2 - 1) * stepDb;
        if (next > maxDbm) next = 2 * maxDbm - next;
        if (next < minDbm) next = 2 * minDbm - next;
        walk.add(Math.max(minDbm, Math.min(maxDbm, next)));
      }
      return walk.get(k);
    }

    @Override
    public LinkConditions at(long elapsedMs) {
      return map.conditions(technology, rssiAtStep(Math.toIntExact(elapsedMs / intervalMs)));
    }
  }

  /**
   * A Markov chain over levels (e.g. strong / regular / weak signal): every {@code intervalMs} the next level is drawn
   * from row {@code i} of the transition matrix, where i is the current level.
   */
  final class Markov implements ShaperSchedule {
    private final List<LinkConditions> levels;
    private final double[][] transitions;
    private final long intervalMs;
    private final RandomGenerator random;
    private final List<Integer> states = new ArrayList<>();

    public Markov(List<LinkConditions> levels, double[][] transitions, int startLevel, long intervalMs, RandomGenerator random) {
      this.levels = List.copyOf(levels);
      int n = this.levels.size();
      if (n == 0) throw new IllegalArgumentException("markov: at least one level is required");
      if (transitions.length != n) throw new IllegalArgumentException("markov: transition matrix needs " + n + " rows, has " + transitions.length);
      this.transitions = new double[n][];
      for (int i = 0; i < n; i++) {
        if (transitions[i].length != n) throw new IllegalArgumentException("markov: row " + i + " needs " + n + " probabilities");
        double sum = 0;
        for (double p : transitions[i]) {
          if (!(p >= 0)) throw new IllegalArgumentException("markov: probabilities must be >= 0 (row " + i + ")");
          sum += p;
        }
        if (Math.abs(sum - 1) > 1e-6) throw new IllegalArgumentException("markov: row " + i + " sums to " + sum + ", not 1");
        this.transitions[i] = Arrays.copyOf(transitions[i], n);
      }
      if (startLevel < 0 || startLevel >= n) throw new IllegalArgumentException("markov: start level " + startLevel + " out of [0, " + (n - 1) + "]");
      if (intervalMs <= 0) throw new IllegalArgumentException("markov: interval-ms must be > 0");
      this.intervalMs = intervalMs;
      this.random = random;
      states.add(startLevel);
    }

    /** Level index at step {@code k}. */
    public synchronized int levelAtStep(int k) {
      while (states.size() <= k) {
        double[] row = transitions[states.get(states.size() - 1)];
        double u = random.nextDouble();
        int next = row.length - 1;
        double acc = 0;
        for (int j = 0; j < row.length; j++) {
          acc += row[j];
          if (u < acc) {
            next = j;
            break;
          }
        }
        states.add(next);
      }
      return states.get(k);
    }

    @Override
    public LinkConditions at(long elapsedMs) { return levels.get(levelAtStep(Math.toIntExact(elapsedMs / intervalMs))); }
  }

  /**
   * Replays a Mahimahi link trace ({@code mm-link} format: one line per 1500-byte delivery opportunity, its time in ms
   * since the start; the trace repeats at its end): the rate in force is the capacity of the window of
   * {@code windowMs} containing the time; delay, jitter, loss and RSSI come from {@code base}. A window without any
   * opportunity gets {@code minRateMbps} (the link stalls rather than stops).
   */
  final class TraceReplay implements ShaperSchedule {
    public static final int PACKET_BYTES = 1500;
    private final LinkConditions base;
    private final long windowMs;
    private final double minRateMbps;
    private final long durationMs;
    private final int[] packetsPerWindow;

    public TraceReplay(LinkConditions base, long[] opportunitiesMs, long windowMs, double minRateMbps) {
      if (opportunitiesMs.length == 0) throw new IllegalArgumentException("trace has no delivery opportunities");
      if (windowMs <= 0 || !(minRateMbps > 0)) throw new IllegalArgumentException("trace replay needs window-ms > 0 and min-rate-mbps > 0");
      this.base = base;
      this.windowMs = windowMs;
      this.minRateMbps = minRateMbps;
      long last = opportunitiesMs[opportunitiesMs.length - 1];
      this.durationMs = Math.max(1, last);
      int windows = (int) ((durationMs + windowMs - 1) / windowMs);
      this.packetsPerWindow = new int[Math.max(1, windows)];
      for (long t : opportunitiesMs) {
        int w = (int) Math.min(packetsPerWindow.length - 1, t / windowMs);
        packetsPerWindow[w]++;
      }
    }

    /** Parses a Mahimahi trace: non-decreasing non-negative integer ms timestamps, one per line. */
    public static long[] parse(Reader in) throws IOException {
      List<Long> out = new ArrayList<>();
      BufferedReader r = new BufferedReader(in);
      String line;
      int n = 0;
      long prev = 0;
      while ((line = r.readLine()) != null) {
        n++;
        String s = line.strip();
        if (s.isEmpty()) continue;
        long t;
        try {
          t = Long.parseLong(s);
        } catch (NumberFormatException e) {
          throw new IOException("trace line " + n + ": not a millisecond timestamp: '" + s + "'");
        }
        if (t < 0 || t < prev) throw new IOException("trace line " + n + ": timestamps must be non-negative and non-decreasing, was " + t);
        prev = t;
        out.add(t);
      }
      if (out.isEmpty()) throw new IOException("trace is empty");
      return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** Length of one pass of the trace. */
    public long durationMs() { return durationMs; }

    /** Capacity of the window containing {@code elapsedMs}, in Mb/s. */
    public double rateMbps(long elapsedMs) {
      int w = (int) ((elapsedMs % durationMs) / windowMs);
      int packets = packetsPerWindow[Math.min(w, packetsPerWindow.length - 1)];
      long windowLen = Math.min(windowMs, durationMs - (long) w * windowMs);
      double mbps = packets * PACKET_BYTES * 8.0 / (Math.max(1, windowLen) * 1000.0);
      return Math.max(minRateMbps, mbps);
    }

    /** Average capacity over the whole trace, in Mb/s. */
    public double meanRateMbps() {
      long packets = Arrays.stream(packetsPerWindow).asLongStream().sum();
      return packets * PACKET_BYTES * 8.0 / (durationMs * 1000.0);
    }

    @Override
    public LinkConditions at(long elapsedMs) { return base.withRate(rateMbps(elapsedMs)); }
  }
}
