package io.testbed.experiments.loadgen;

import io.testbed.protocol.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one scenario against a {@link SystemUnderTest} (SYSTEMS.md section 7), the way MLPerf's LoadGen does:
 * SingleStream issues the next query when the previous completes; MultiStream the same with 8 samples per query;
 * Server issues at Poisson arrival times from a seeded generator with no cap on outstanding queries; Offline issues
 * all samples in one query. Latency counts from the scheduled time. Performance mode issues until both the min
 * duration and the min query count are reached (or a max limit is hit); accuracy mode issues every sample once.
 *
 * <p>One LoadGen runs one scenario at a time, on the calling thread. {@link #cancel} may be called from any thread.
 */
public final class LoadGen {
  private static final Logger LOG = LoggerFactory.getLogger(LoadGen.class);

  private final Ticker ticker;
  private final LoadGenListener listener;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile String cancelReason;

  public LoadGen(Ticker ticker, LoadGenListener listener) {
    if (ticker == null || listener == null) throw new IllegalArgumentException("ticker and listener are required");
    this.ticker = ticker;
    this.listener = listener;
  }

  public LoadGen(Ticker ticker) { this(ticker, LoadGenListener.NONE); }

  /**
   * Stops issuing; queries still outstanding are recorded as failed with this reason and {@link #run} returns. Sticky:
   * a cancel before {@link #run} makes the run end at once, and a cancelled LoadGen stays cancelled.
   */
  public void cancel(String reason) {
    cancelReason = reason == null || reason.isBlank() ? "cancelled" : reason;
    ticker.wake();
  }

  public ScenarioResult run(LoadGenSettings settings, SystemUnderTest sut) throws InterruptedException {
    return run(settings, sut, List.of());
  }

  /** Runs the scenario to the end; {@code timeline} actions fire at their times while the run lasts. */
  public ScenarioResult run(LoadGenSettings settings, SystemUnderTest sut, List<TimedAction> timeline)
      throws InterruptedException {
    if (!running.compareAndSet(false, true)) throw new IllegalStateException("this LoadGen is already running");
    try {
      return new Run(settings, sut, timeline).execute();
    } finally {
      running.set(false);
    }
  }

  private record Done(long queryId, long completedNs, QueryOutcome outcome) {}

  private record Pending(Query query, long issuedNs, long deadlineNs) {}

  /** State of one run; touched only by the LoadGen thread except {@link #completions}. */
  private final class Run {
    private final LoadGenSettings s;
    private final SystemUnderTest sut;
    private final List<TimedAction> timeline;
    private final long startNs;
    private final SplittableRandom scheduleRng;
    private final SplittableRandom sizeRng; // Server query sizes: a third stream, so the other two are unchanged
    private final SplittableRandom sampleRng;
    private final ConcurrentLinkedQueue<Done> completions = new ConcurrentLinkedQueue<>();
    private final Map<Long, Pending> outstanding = new LinkedHashMap<>(); // issue order = deadline order
    private final List<QueryRecord> records = new ArrayList<>();
    private final List<AppliedEvent> events = new ArrayList<>();
    private final long accuracyQueries;
    private int nextAction;
    private long issued;
    private long nextSample; // accuracy mode: next sample index to issue
    private long lastQueryNs = -1; // scheduled (Server) or issued time of the last query
    private long finalScheduledNs;
    private long finalIssuedNs;
    private long lastCompletionNs;
    private long late;
    private long nextArrivalNs; // Server: scheduled time of the next query
    private double arrivalSeconds;
    private boolean stopIssuing;

    Run(LoadGenSettings s, SystemUnderTest sut, List<TimedAction> timeline) {
      this.s = s;
      this.sut = sut;
      this.timeline = timeline.stream().sorted(Comparator.comparingLong(TimedAction::atNs)).toList();
      this.scheduleRng = new SplittableRandom(s.scheduleSeed());
      this.sampleRng = new SplittableRandom(s.sampleSeed());
      this.sizeRng = new SplittableRandom(s.sizeSeed());
      int perQuery = s.effectiveSamplesPerQuery();
      this.accuracyQueries = (s.datasetSamples() + perQuery - 1) / perQuery;
      this.startNs = ticker.nowNs();
      if (s.scenario() == Scenario.SERVER) advanceArrival();
    }

    private long now() { return ticker.nowNs() - startNs; }

    ScenarioResult execute() throws InterruptedException {
      LOG.info("LoadGen start: {} {} on {}", s.scenario().mlperfName(), s.mode().wireName(), sut.name());
      while (true) {
        drainCompletions();
        long now = now();
        fireDueActions(now);
        expireTimeouts(now);
        if (cancelReason != null) {
          abortOutstanding(now);
          break;
        }
        if (!stopIssuing) {
          if (issueDue(now)) continue; // Server may owe several arrivals: re-check before waiting
        }
        if (stopIssuing && outstanding.isEmpty()) break;
        ticker.parkUntil(nextDeadline());
      }
      records.sort(Comparator.comparingLong(QueryRecord::queryId));
      LOG.info("LoadGen end: {} queries, {} late completions{}", records.size(), late,
          cancelReason == null ? "" : ", aborted: " + cancelReason);
      return new ScenarioResult(s, records, finalScheduledNs, finalIssuedNs, lastCompletionNs, late, events,
          cancelReason);
    }

    /** Issues what is due now; returns true when it issued a query. */
    private boolean issueDue(long now) {
      switch (s.scenario()) {
        case SINGLE_STREAM, MULTI_STREAM -> {
          if (!outstanding.isEmpty()) return false;
          if (!wantMore(now)) {
            stopIssuing = true;
            return false;
          }
          issue(now, now);
          return true;
        }
        case SERVER -> {
          if (!wantMore(nextArrivalNs)) {
            stopIssuing = true;
            return false;
          }
          if (now < nextArrivalNs) return false;
          issue(nextArrivalNs, now);
          advanceArrival();
          return true;
        }
        case OFFLINE -> {
          issue(now, now);
          stopIssuing = true;
          return true;
        }
      }
      throw new IllegalStateException("unknown scenario " + s.scenario());
    }

    /** Whether another query is wanted, given the time it would be scheduled at. */
    private boolean wantMore(long atNs) {
      if (s.mode() == TestMode.ACCURACY) return issued < accuracyQueries;
      if (s.maxQueryCount() > 0 && issued >= s.maxQueryCount()) return false;
      if (s.maxDurationNs() > 0 && atNs >= s.maxDurationNs()) return false;
      return issued < s.minQueryCount() || lastQueryNs < s.minDurationNs();
    }

    /** Server: exponential gaps with mean 1/targetQps, accumulated in seconds so rounding does not drift. */
    private void advanceArrival() {
      double u = scheduleRng.nextDouble();
      arrivalSeconds += -Math.log1p(-u) / s.targetQps();
      nextArrivalNs = Math.round(arrivalSeconds * 1e9);
    }

    private List<Integer> nextSamples() {
      int n = s.effectiveSamplesPerQuery();
      List<Integer> samples = new ArrayList<>(Math.min(n, s.datasetSamples()));
      if (s.mode() == TestMode.ACCURACY) {
        for (int i = 0; i < n && nextSample < s.datasetSamples(); i++) samples.add((int) nextSample++);
      } else {
        for (int i = 0; i < n; i++) samples.add(sampleRng.nextInt(s.datasetSamples()));
      }
      return samples;
    }

    private void issue(long scheduledNs, long issuedNs) {
      Query q = new Query(issued, nextSamples(), scheduledNs, s.querySize() == null ? 0 : s.querySize().sample(sizeRng));
      issued++;
      lastQueryNs = s.scenario() == Scenario.SERVER ? scheduledNs : issuedNs;
      finalScheduledNs = scheduledNs;
      finalIssuedNs = issuedNs;
      outstanding.put(q.id(), new Pending(q, issuedNs, scheduledNs + s.queryTimeoutNs()));
      listener.onIssued(q, issuedNs);
      QueryCompletion completion = new Completion(q.id());
      try {
        sut.issue(q, completion);
      } catch (RuntimeException e) {
        // A SUT that throws is reported like any other failure, not allowed to kill the run.
        completion.complete(QueryOutcome.failed(Outcome.FAILED, "SUT threw " + e, null, null));
      }
    }

    private final class Completion implements QueryCompletion {
      private final long queryId;
      private final AtomicBoolean done = new AtomicBoolean();

      Completion(long queryId) { this.queryId = queryId; }

      @Override
      public void complete(QueryOutcome outcome) {
        if (outcome == null) throw new IllegalArgumentException("outcome is required");
        if (!done.compareAndSet(false, true)) return;
        completions.add(new Done(queryId, ticker.nowNs() - startNs, outcome));
        ticker.wake();
      }
    }

    private void drainCompletions() {
      Done d;
      while ((d = completions.poll()) != null) {
        Pending p = outstanding.remove(d.queryId());
        if (p == null) {
          late++;
          continue;
        }
        record(p, d.completedNs(), d.outcome());
      }
    }

    private void record(Pending p, long completedNs, QueryOutcome o) {
      Query q = p.query();
      QueryRecord r = new QueryRecord(q.id(), q.sampleCount(), q.sampleIndices(), q.scheduledNs(), p.issuedNs(),
          completedNs, completedNs - q.scheduledNs(), o.device(), o.target(), o.outcome(), o.reason(), o.energyJ(),
          o.energySource(), o.outputDigest());
      records.add(r);
      lastCompletionNs = Math.max(lastCompletionNs, completedNs);
      listener.onCompleted(r);
    }

    private void expireTimeouts(long now) {
      for (Iterator<Pending> it = outstanding.values().iterator(); it.hasNext(); ) {
        Pending p = it.next();
        if (p.deadlineNs() > now) break;
        it.remove();
        record(p, p.deadlineNs(), QueryOutcome.failed(Outcome.TIMEOUT,
            "no completion within " + s.queryTimeoutNs() / 1_000_000 + " ms", null, null));
      }
    }

    private void abortOutstanding(long now) {
      for (Pending p : List.copyOf(outstanding.values())) {
        record(p, now, QueryOutcome.failed(Outcome.FAILED, "aborted: " + cancelReason, null, null));
      }
      outstanding.clear();
    }

    private void fireDueActions(long now) {
      while (nextAction < timeline.size() && timeline.get(nextAction).atNs() <= now) {
        TimedAction a = timeline.get(nextAction++);
        String error = null;
        try {
          a.action().run();
        } catch (RuntimeException e) {
          // An injection failure is recorded with the event; the measurement goes on.
          error = e.toString();
          LOG.warn("timeline action {} failed: {}", a.name(), error);
        }
        events.add(new AppliedEvent(a.name(), a.atNs(), now(), error));
      }
    }

    private long nextDeadline() {
      long next = Long.MAX_VALUE;
      if (!stopIssuing && s.scenario() == Scenario.SERVER) next = Math.min(next, nextArrivalNs);
      if (!outstanding.isEmpty()) next = Math.min(next, outstanding.values().iterator().next().deadlineNs());
      if (nextAction < timeline.size()) next = Math.min(next, timeline.get(nextAction).atNs());
      return next == Long.MAX_VALUE ? Long.MAX_VALUE : startNs + next;
    }
  }
}
