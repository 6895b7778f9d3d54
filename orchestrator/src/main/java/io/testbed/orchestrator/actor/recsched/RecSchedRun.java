package io.testbed.orchestrator.actor.recsched;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.recsched.RecSchedReport;
import io.testbed.experiments.recsched.RecSchedReports;
import io.testbed.experiments.recsched.RecSchedSpec;
import io.testbed.experiments.spec.SpecJson;
import io.testbed.experiments.loadgen.querysize.PoissonArrivals;
import io.testbed.orchestrator.actor.ExperimentManager;
import io.testbed.orchestrator.actor.JsonSerializable;
import io.testbed.orchestrator.config.RecSchedDefaults;
import io.testbed.orchestrator.model.ExperimentStatus;
import io.testbed.orchestrator.policy.recsched.DeepRecSched;
import io.testbed.orchestrator.policy.recsched.HillClimbSettings;
import io.testbed.orchestrator.policy.recsched.LoadBalancer;
import io.testbed.orchestrator.policy.recsched.P95Window;
import io.testbed.orchestrator.policy.recsched.RecConfig;
import io.testbed.orchestrator.policy.recsched.RecSchedDecision;
import io.testbed.orchestrator.policy.recsched.RecSchedSettings;
import io.testbed.orchestrator.policy.recsched.RecScheduler;
import io.testbed.orchestrator.policy.recsched.StaticScheduler;
import io.testbed.orchestrator.policy.recsched.WarmUpScheduler;
import io.testbed.orchestrator.policy.recsched.WindowStats;
import io.testbed.orchestrator.port.RecServerPort;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.protocol.Hello;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Drives one {@code recsched} run (SYSTEMS.md sections 2 and 10): per model a warm-up (every B the policies use, at the
 * grid's start load; in no result), then DeepRecSched and the static baselines one after the other for each round (the
 * order alternating between rounds), then the batch-size sweep. Each step issues open-loop Poisson load at the scheduler's QPS (query
 * sizes from the spec's distribution), balances queries over the recommendation servers, feeds every 64-query window's
 * p95 to the {@link RecScheduler}, pushes (B, T) to every server on {@code Configure}, drains in-flight queries between
 * steps, writes {@code recsched_window}/{@code recsched_config}/{@code experiment_event} points and the bundle, and
 * reports progress and the end to the {@link ExperimentManager}.
 */
public final class RecSchedRun extends AbstractBehavior<RecSchedRun.Command> {

  /** Messages of a recsched run. */
  public sealed interface Command extends JsonSerializable {}

  /** Stop: no more load; the bundle holds what finished. */
  public record Cancel(String reason) implements Command {}

  private record ServersDescribed(List<String> endpoints, List<Integer> workers, List<Integer> instances,
      List<String> accelerators, List<Integer> never, String error) implements Command {}

  private record ConfigPushed(long epoch, String error) implements Command {}

  private record QueryDone(long queryId, int step, int server, long epoch, long scheduledNs, long doneNs, boolean ok,
      boolean rejected, String reason) implements Command {}

  private enum ArrivalTick implements Command { INSTANCE }

  private enum ProgressTick implements Command { INSTANCE }

  private enum DrainTimeout implements Command { INSTANCE }

  /**
   * What a run needs.
   *
   * @param servers device ids, in the spec's order
   * @param endpoints their recommendation-server base URLs (hello {@code endpoint}), same order
   * @param hellos the servers' hellos, for the bundle
   */
  public record Setup(String runId, RecSchedDefaults.Resolved plan, List<String> servers, List<String> endpoints,
      List<Hello> hellos, Path bundleRoot, Duration progressInterval) {}

  public static Behavior<Command> create(Setup setup, ActorRef<ExperimentManager.Command> manager, RecServerPort port,
      TelemetrySink sink, Clock clock, LongSupplier nanos) {
    return Behaviors.withMdc(Command.class, Map.of("runId", setup.runId()),
        Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RecSchedRun(ctx, timers, setup, manager, port, sink, clock, nanos))));
  }

  /** One unit of work: a scheduler on a model (round 1-based; warm-up and sweep steps count as round 1). */
  private record Step(String model, String policy, int round, RecConfig fixed, boolean sweep, boolean warmup) {}

  private final TimerScheduler<Command> timers;
  private final Setup setup;
  private final RecSchedDefaults.Resolved plan;
  private final ActorRef<ExperimentManager.Command> manager;
  private final RecServerPort port;
  private final TelemetrySink sink;
  private final Clock clock;
  private final LongSupplier nanos;
  private final List<Step> steps = new ArrayList<>();
  private final SplittableRandom root;
  private final LoadBalancer balancer;
  private final int[] outstanding;
  private final long startNs;
  private final List<RecSchedReport.ServerInfo> serverInfos = new ArrayList<>();
  private final List<RecSchedReport.WindowRow> windows = new ArrayList<>();
  private final List<RecSchedReport.PolicyResult> results = new ArrayList<>();
  private final List<String> resultModels = new ArrayList<>();
  private final List<RecSchedReport.SweepPoint> sweep = new ArrayList<>();
  private final List<RecSchedReport.WarmUp> warmups = new ArrayList<>();
  private int neverOffload = RecServerPort.NEVER_OFFLOAD;
  private int instances = 1;

  private int stepIndex = -1;
  private RecScheduler scheduler;
  private P95Window window;
  private PoissonArrivals arrivals;
  private SplittableRandom sizeRng;
  private long epoch = -1;
  private double pendingQps;
  private RecConfig config;
  private boolean issuing;
  private boolean draining;
  private int pendingPushes;
  private String pushError;
  private long nextQueryId;
  private long stepStartNs;
  private long stepQueries;
  private long stepFailed;
  private long stepRejected;
  private int windowFailed;
  private int windowRejected;
  private long queriesDone;
  private long queriesFailed;
  private String cancelled;
  private String failure;

  private RecSchedRun(ActorContext<Command> ctx, TimerScheduler<Command> timers, Setup setup,
      ActorRef<ExperimentManager.Command> manager, RecServerPort port, TelemetrySink sink, Clock clock, LongSupplier nanos) {
    super(ctx);
    this.timers = timers;
    this.setup = setup;
    this.plan = setup.plan();
    this.manager = manager;
    this.port = port;
    this.sink = sink;
    this.clock = clock;
    this.nanos = nanos;
    this.root = new SplittableRandom(plan.seed());
    this.balancer = new LoadBalancer(plan.balancer());
    this.outstanding = new int[setup.endpoints().size()];
    this.startNs = nanos.getAsLong();
    for (String m : plan.spec().models()) {
      if (plan.warmupQueries() > 0) steps.add(new Step(m, WarmUpScheduler.NAME, 1, null, false, true));
      for (int round = 1; round <= plan.rounds(); round++) {
        for (String p : RecSchedSpec.roundOrder(plan.policies(), round)) {
          RecConfig fixed = switch (p) {
            case RecSchedSpec.STATIC_NO_SPLIT -> RecConfig.cpuOnly(RecSchedSpec.MAX_ITEMS);
            case RecSchedSpec.STATIC_SMALL_BATCH -> RecConfig.cpuOnly(plan.smallBatchSize());
            default -> null;
          };
          steps.add(new Step(m, p, round, fixed, false, false));
        }
      }
    }
    for (String m : plan.spec().models()) {
      for (int b : plan.sweepBatchSizes()) steps.add(new Step(m, "sweep-b" + b, 1, RecConfig.cpuOnly(b), true, false));
    }
    event("started", 1.0, "recsched on " + setup.servers() + ": " + plan.spec().models() + " x " + plan.policies()
        + " x " + plan.rounds() + " round(s)" + (plan.warmupQueries() > 0 ? ", warm-up " + plan.warmupQueries() + " queries per server" : "")
        + (plan.sweepBatchSizes().isEmpty() ? "" : ", sweep B " + plan.sweepBatchSizes()));
    timers.startTimerAtFixedRate(ProgressTick.INSTANCE, setup.progressInterval());
    List<CompletableFuture<RecServerPort.ServerConfig>> all = setup.endpoints().stream()
        .map(e -> port.describe(e).toCompletableFuture()).toList();
    ctx.pipeToSelf(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)), (ok, ex) -> {
      List<RecServerPort.ServerConfig> cs = all.stream().map(CompletableFuture::join).toList();
      String err = cs.stream().filter(c -> !c.ok()).map(RecServerPort.ServerConfig::error).findFirst().orElse(null);
      return new ServersDescribed(setup.endpoints(), cs.stream().map(RecServerPort.ServerConfig::workers).toList(),
          cs.stream().map(RecServerPort.ServerConfig::instances).toList(),
          cs.stream().map(c -> c.accelerator() == null ? "unknown" : c.accelerator()).toList(),
          cs.stream().map(RecServerPort.ServerConfig::acceleratorThresholdNever).toList(), err);
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ServersDescribed.class, this::onServersDescribed)
        .onMessage(ConfigPushed.class, this::onConfigPushed)
        .onMessage(QueryDone.class, this::onQueryDone)
        .onMessage(ArrivalTick.class, m -> onArrivalTick())
        .onMessage(ProgressTick.class, m -> onProgressTick())
        .onMessage(DrainTimeout.class, m -> onDrained())
        .onMessage(Cancel.class, this::onCancel)
        .build();
  }

  private Behavior<Command> onServersDescribed(ServersDescribed m) {
    for (int i = 0; i < setup.servers().size(); i++) {
      serverInfos.add(new RecSchedReport.ServerInfo(setup.servers().get(i), m.endpoints().get(i), m.workers().get(i),
          m.instances().get(i), m.accelerators().get(i)));
    }
    if (m.error() != null) return end("cannot read a recommendation server's configuration: " + m.error());
    neverOffload = m.never().stream().mapToInt(Integer::intValue).min().orElse(RecServerPort.NEVER_OFFLOAD);
    instances = m.instances().stream().mapToInt(Integer::intValue).min().orElse(1);
    return nextStep();
  }

  private Behavior<Command> nextStep() {
    if (cancelled != null) return end(null);
    stepIndex++;
    if (stepIndex >= steps.size()) return end(null);
    Step s = steps.get(stepIndex);
    HillClimbSettings climb = plan.climb(s.model());
    int start = plan.startGridIndex();
    if (s.warmup()) {
      List<RecConfig> configs = WarmUpScheduler.cpuConfigs(warmupBatchSizes());
      scheduler = new WarmUpScheduler(configs, climb.grid().qpsAt(start));
      long total = (long) plan.warmupQueries() * setup.endpoints().size();
      window = new P95Window((int) Math.max(2, (total + configs.size() - 1) / configs.size()));
    } else {
      scheduler = s.fixed() != null ? new StaticScheduler(s.fixed(), climb, start)
          : new DeepRecSched(new RecSchedSettings(climb, plan.batchSizes(), plan.offloadThresholds(), start));
      window = new P95Window(plan.windowQueries());
    }
    arrivals = null;
    sizeRng = root.split();
    stepStartNs = nanos.getAsLong();
    stepQueries = 0;
    stepFailed = 0;
    stepRejected = 0;
    getContext().getLog().info("recsched {}: step {}/{}: {} on {} (round {})", setup.runId(), stepIndex + 1, steps.size(), s.policy(),
        s.model(), s.round());
    return apply(scheduler.start(nanos.getAsLong()));
  }

  private Behavior<Command> apply(RecSchedDecision d) {
    long now = nanos.getAsLong();
    if (d instanceof RecSchedDecision.Configure c) {
      stopIssuing();
      config = c.config();
      epoch = c.epoch();
      pendingQps = c.qps();
      window.beginEpoch(epoch);
      int t = c.config().offloadEnabled() ? Math.min(c.config().offloadThreshold(), neverOffload) : neverOffload;
      pendingPushes = setup.endpoints().size();
      pushError = null;
      String model = steps.get(stepIndex).model();
      for (String e : setup.endpoints()) {
        long ep = epoch;
        getContext().pipeToSelf(port.configure(e, model, c.config().batchSize(), t),
            (r, ex) -> new ConfigPushed(ep, r != null ? r.error() : String.valueOf(ex)));
      }
      Step s = steps.get(stepIndex);
      if (!s.warmup()) {
        sink.write(TelemetryPoint.builder("recsched_config", epochNs()).tag("run", setup.runId()).tag("model", model)
            .tag("policy", s.policy()).tag("round", Integer.toString(s.round())).field("batchSize", c.config().batchSize())
            .field("threshold", c.config().offloadEnabled() ? c.config().offloadThreshold() : null)
            .field("qps", c.qps()).field("servers", setup.endpoints().size()).build());
      }
    } else if (d instanceof RecSchedDecision.SetLoad l) {
      epoch = l.epoch();
      window.beginEpoch(epoch);
      arrivals.changeRate(l.qps(), now);
      armArrival();
    } else if (d instanceof RecSchedDecision.Finished f) {
      stopIssuing();
      record(f);
      draining = true;
      timers.startSingleTimer(DrainTimeout.INSTANCE, plan.queryTimeout().plusSeconds(2));
      if (totalOutstanding() == 0) return onDrained();
    }
    return this;
  }

  private Behavior<Command> onConfigPushed(ConfigPushed m) {
    if (m.epoch() != epoch || pendingPushes == 0) return this;
    if (m.error() != null && pushError == null) pushError = m.error();
    if (--pendingPushes > 0) return this;
    if (pushError != null) return end("pushing " + config + " failed: " + pushError);
    if (cancelled != null) return this;
    long now = nanos.getAsLong();
    if (arrivals == null) arrivals = new PoissonArrivals(root.split(), pendingQps, now);
    else arrivals.changeRate(pendingQps, now);
    issuing = true;
    armArrival();
    return this;
  }

  private Behavior<Command> onArrivalTick() {
    if (!issuing || arrivals == null) return this;
    long now = nanos.getAsLong();
    String model = steps.get(stepIndex).model();
    while (arrivals.peekNs() <= now) {
      long at = arrivals.nextNs();
      int items = plan.querySize().sample(sizeRng);
      long id = nextQueryId++;
      int s = balancer.choose(id, outstanding);
      outstanding[s]++;
      long ep = epoch;
      int step = stepIndex;
      getContext().pipeToSelf(port.query(setup.endpoints().get(s), model, items, id, plan.rowDistribution(), plan.queryTimeout()),
          (r, ex) -> r != null ? new QueryDone(id, step, s, ep, at, nanos.getAsLong(), r.ok(), r.rejected(), r.reason())
              : new QueryDone(id, step, s, ep, at, nanos.getAsLong(), false, false, String.valueOf(ex)));
    }
    armArrival();
    return this;
  }

  private Behavior<Command> onQueryDone(QueryDone m) {
    outstanding[m.server()]--;
    queriesDone++;
    if (!m.ok()) queriesFailed++;
    if (draining) {
      if (totalOutstanding() == 0) return onDrained();
      return this;
    }
    if (m.step() != stepIndex) return this; // a straggler of an earlier step (its drain timed out): epochs restart per step
    if (m.epoch() == epoch) {
      stepQueries++;
      if (!m.ok()) {
        stepFailed++;
        windowFailed++;
        if (m.rejected()) {
          stepRejected++;
          windowRejected++;
        }
        getContext().getLog().debug("query {} failed: {}", m.queryId(), m.reason());
      }
    }
    long now = nanos.getAsLong();
    var w = m.ok() ? window.offer(m.epoch(), m.doneNs() - m.scheduledNs(), now) : window.offerFailed(m.epoch(), now);
    if (w.isEmpty()) return this;
    onWindow(w.get());
    return apply(scheduler.onWindow(w.get()));
  }

  private void onWindow(WindowStats w) {
    Step s = steps.get(stepIndex);
    if (s.warmup()) { // not a result: no trace row, no point
      windowFailed = 0;
      windowRejected = 0;
      return;
    }
    double qps = arrivals != null ? arrivals.qps() : pendingQps;
    double atS = (nanos.getAsLong() - startNs) / 1e9;
    RecSchedReport.WindowRow row = new RecSchedReport.WindowRow(s.model(), s.policy(), s.round(), atS, qps, ms(w.p95Ns()),
        ms(w.p99Ns()), config.batchSize(), config.offloadEnabled() ? config.offloadThreshold() : null, w.count(),
        windowFailed, windowRejected);
    windows.add(row);
    sink.write(TelemetryPoint.builder("recsched_window", epochNs()).tag("run", setup.runId()).tag("model", s.model())
        .tag("policy", s.policy()).tag("round", Integer.toString(s.round())).field("qps", qps).field("p95Ms", finite(row.p95Ms())).field("p99Ms", finite(row.p99Ms()))
        .field("batchSize", config.batchSize()).field("threshold", row.offloadThreshold())
        .field("completed", w.count() - windowFailed).field("failed", windowFailed).field("rejected", windowRejected).build());
    windowFailed = 0;
    windowRejected = 0;
  }

  private void record(RecSchedDecision.Finished f) {
    Step s = steps.get(stepIndex);
    if (s.warmup()) {
      WindowStats all = ((WarmUpScheduler) scheduler).pooled();
      List<Integer> bs = ((WarmUpScheduler) scheduler).configs().stream().map(RecConfig::batchSize).toList();
      RecSchedReport.WarmUp w = new RecSchedReport.WarmUp(s.model(), stepQueries, stepFailed, f.qps(), bs, ms(all.p95Ns()),
          (nanos.getAsLong() - stepStartNs) / 1e9);
      warmups.add(w);
      String msg = String.format(java.util.Locale.ROOT, "%s warm-up: %d queries (%d failed) at %.2f QPS over B %s, p95 %.1f ms, %.1f s",
          s.model(), w.queries(), w.failed(), w.qps(), bs, w.p95Ms(), w.seconds());
      sink.write(TelemetryPoint.builder("experiment_event", epochNs()).tag("run", setup.runId()).tag("kind", "warmup")
          .tag("model", s.model()).field("value", (double) w.queries()).text("message", msg).build());
      getContext().getLog().info("recsched {}: {}", setup.runId(), msg);
      return;
    }
    List<RecSchedReport.Trial> trials = f.history().stream().map(t -> new RecSchedReport.Trial(t.config().batchSize(),
        t.config().offloadEnabled() ? t.config().offloadThreshold() : null, t.result().qps(), ms(t.result().p95Ns()),
        ms(t.result().p99Ns()), t.result().feasible(), t.result().windows())).toList();
    var best = f.history().stream().filter(t -> t.config().equals(f.best())).reduce((a, b) -> b).orElseThrow().result();
    Integer threshold = f.best().offloadEnabled() ? f.best().offloadThreshold() : null;
    if (s.sweep()) {
      sweep.add(new RecSchedReport.SweepPoint(s.model(), instances, f.best().batchSize(), f.qps(), ms(f.p95Ns()),
          ms(f.p99Ns()), best.feasible() && best.slaMet()));
    } else {
      results.add(new RecSchedReport.PolicyResult(s.policy(), s.round(), f.best().batchSize(), threshold, f.qps(), ms(f.p95Ns()),
          ms(f.p99Ns()), best.feasible(), best.slaMet(), best.atGridTop(), best.stillClimbing(), stepQueries, stepFailed, stepRejected, trials));
      resultModels.add(s.model());
    }
    String msg = String.format(java.util.Locale.ROOT, "%s %s round %d: B=%d T=%s %.2f QPS p95 %.1f ms p99 %.1f ms", s.model(),
        s.policy(), s.round(), f.best().batchSize(), f.best().thresholdLabel(), f.qps(), ms(f.p95Ns()), ms(f.p99Ns()));
    sink.write(TelemetryPoint.builder("experiment_event", epochNs()).tag("run", setup.runId()).tag("kind", "recsched-choice")
        .tag("model", s.model()).tag("policy", s.policy()).tag("round", Integer.toString(s.round())).field("value", f.qps())
        .field("batchSize", f.best().batchSize()).text("message", msg).build());
    getContext().getLog().info("recsched {}: {}", setup.runId(), msg);
  }

  private Behavior<Command> onDrained() {
    if (!draining) return this;
    draining = false;
    timers.cancel(DrainTimeout.INSTANCE);
    return nextStep();
  }

  private Behavior<Command> onCancel(Cancel m) {
    if (cancelled != null) return this;
    cancelled = m.reason() == null ? "cancelled" : m.reason();
    stopIssuing();
    event("cancelled", 1.0, cancelled);
    return end(null);
  }

  private Behavior<Command> onProgressTick() {
    manager.tell(new ExperimentManager.RunProgress(setup.runId(), draining ? "draining" : "tuning",
        Math.max(1, Math.min(stepIndex + 1, steps.size())), steps.size(), queriesDone, queriesFailed, null, null));
    return this;
  }

  private Behavior<Command> end(String error) {
    stopIssuing();
    failure = error;
    timers.cancelAll();
    manager.tell(new ExperimentManager.RunProgress(setup.runId(), "writing-bundle", Math.max(1, Math.min(stepIndex + 1,
        steps.size())), steps.size(), queriesDone, queriesFailed, null, null));
    RecSchedReport report = report();
    String bundle = null;
    String writeError = null;
    try {
      Path dir = setup.bundleRoot().resolve(setup.runId());
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("spec.json"), SpecJson.mapper().writeValueAsString(plan.spec()));
      Files.writeString(dir.resolve("devices.json"), SpecJson.mapper().writeValueAsString(setup.hellos()));
      RecSchedReports.write(dir, report);
      Files.writeString(dir.resolve("summary.json"), SpecJson.mapper().writeValueAsString(report));
      bundle = dir.toAbsolutePath().toString();
    } catch (Exception e) {
      writeError = "cannot write the bundle: " + e.getMessage();
      getContext().getLog().error("recsched {}: {}", setup.runId(), writeError, e);
    }
    ExperimentStatus status = cancelled != null ? ExperimentStatus.CANCELLED
        : failure != null || writeError != null ? ExperimentStatus.FAILED : ExperimentStatus.COMPLETED;
    String err = cancelled != null ? "cancelled: " + cancelled : failure != null ? failure : writeError;
    event("completed", status == ExperimentStatus.COMPLETED ? 1.0 : 0.0, status + (err == null ? "" : ": " + err));
    sink.flush();
    JsonNode summary = SpecJson.mapper().valueToTree(report);
    manager.tell(new ExperimentManager.RunEnded(setup.runId(), status, report.verdict(), bundle, err, summary));
    return Behaviors.stopped();
  }

  /** The report of what ran so far. */
  private RecSchedReport report() {
    List<RecSchedReport.ModelReport> models = new ArrayList<>();
    boolean allFound = true;
    for (String m : plan.spec().models()) {
      List<RecSchedReport.PolicyResult> rs = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) if (resultModels.get(i).equals(m)) rs.add(results.get(i));
      if (rs.isEmpty()) {
        allFound = false;
        continue;
      }
      rs.sort(java.util.Comparator.comparingInt(RecSchedReport.PolicyResult::round)
          .thenComparingInt(r -> RecSchedSpec.POLICIES.indexOf(r.policy())));
      List<RecSchedReport.PolicySummary> summary = new ArrayList<>();
      for (String p : RecSchedSpec.POLICIES) {
        List<RecSchedReport.PolicyResult> of = rs.stream().filter(r -> r.policy().equals(p)).toList();
        if (!of.isEmpty()) summary.add(RecSchedReport.PolicySummary.of(p, of));
      }
      RecSchedReport.PolicySummary judge = summary.stream().filter(x -> x.policy().equals(RecSchedSpec.DEEPRECSCHED)).findFirst()
          .orElse(summary.stream().filter(x -> x.roundsSlaMet() == x.qpsPerRound().size()).findFirst().orElse(summary.get(0)));
      allFound &= judge.roundsSlaMet() == plan.rounds();
      models.add(new RecSchedReport.ModelReport(m, plan.slaMs().get(m), rs, summary, gain(summary, RecSchedSpec.STATIC_NO_SPLIT),
          gain(summary, RecSchedSpec.STATIC_SMALL_BATCH)));
    }
    String verdict = cancelled == null && failure == null && allFound ? "VALID" : "INVALID";
    return new RecSchedReport(RecSchedSpec.TYPE, setup.runId(), plan.spec().name(), verdict,
        cancelled != null ? "cancelled: " + cancelled : failure, plan.rounds(), serverInfos, warmups, models, windows, sweep);
  }

  /** DeepRecSched's median QPS over the baseline's (null when either did not run or the baseline's median is 0). */
  private static Double gain(List<RecSchedReport.PolicySummary> summary, String baseline) {
    var drs = summary.stream().filter(r -> r.policy().equals(RecSchedSpec.DEEPRECSCHED)).findFirst();
    var base = summary.stream().filter(r -> r.policy().equals(baseline)).findFirst();
    if (drs.isEmpty() || base.isEmpty() || base.get().medianQps() <= 0) return null;
    return drs.get().medianQps() / base.get().medianQps();
  }

  /** Every B the model's policies (and the sweep) will push: what the warm-up walks. */
  private List<Integer> warmupBatchSizes() {
    List<Integer> bs = new ArrayList<>();
    if (plan.policies().contains(RecSchedSpec.DEEPRECSCHED)) bs.addAll(plan.batchSizes());
    if (plan.policies().contains(RecSchedSpec.STATIC_NO_SPLIT)) bs.add(RecSchedSpec.MAX_ITEMS);
    if (plan.policies().contains(RecSchedSpec.STATIC_SMALL_BATCH)) bs.add(plan.smallBatchSize());
    bs.addAll(plan.sweepBatchSizes());
    return bs;
  }

  private void armArrival() {
    if (!issuing || arrivals == null) return;
    long delayNs = Math.max(0, arrivals.peekNs() - nanos.getAsLong());
    timers.startSingleTimer(ArrivalTick.INSTANCE, Duration.ofNanos(delayNs));
  }

  private void stopIssuing() {
    issuing = false;
    timers.cancel(ArrivalTick.INSTANCE);
  }

  private int totalOutstanding() {
    int n = 0;
    for (int o : outstanding) n += o;
    return n;
  }

  private void event(String kind, double value, String message) {
    sink.write(TelemetryPoint.builder("experiment_event", epochNs()).tag("run", setup.runId()).tag("kind", kind)
        .field("value", value).text("message", message).build());
  }

  private long epochNs() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static double ms(long ns) { return ns == WindowStats.FAILED ? Double.POSITIVE_INFINITY : ns / 1e6; }

  private static Double finite(double v) { return Double.isFinite(v) ? v : null; }
}
