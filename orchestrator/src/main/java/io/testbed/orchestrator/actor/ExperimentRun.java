package io.testbed.orchestrator.actor;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.analysis.SummaryOptions;
import io.testbed.experiments.bundle.BundleContents;
import io.testbed.experiments.bundle.ResultBundle;
import io.testbed.experiments.engine.ExperimentRunner;
import io.testbed.experiments.engine.ProgressEstimate;
import io.testbed.experiments.loadgen.LoadGenListener;
import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.Query;
import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.experiments.loadgen.SystemTicker;
import io.testbed.experiments.spec.ExperimentPlan;
import io.testbed.experiments.spec.ExperimentSpec;
import io.testbed.experiments.spec.SpecJson;
import io.testbed.experiments.spec.AutoScaleSpecRules;
import io.testbed.experiments.spec.TimelineControls;
import io.testbed.experiments.spec.TimelineEvent;
import io.testbed.orchestrator.model.ExperimentStatus;
import io.testbed.orchestrator.policy.TargetPolicy;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.protocol.Hello;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Drives one experiment: runs the engine's blocking {@link ExperimentRunner} (every repetition through LoadGen against
 * a {@link FleetSut}) on the experiments dispatcher, writes every query and lifecycle event to the time series tagged
 * with the run id, reports progress to the {@link ExperimentManager} every progress interval, reacts to lost devices
 * (abort or continue, as the spec says) and to cancellation, writes the result bundle, reports the end and stops.
 */
public final class ExperimentRun extends AbstractBehavior<ExperimentRun.Command> {

  /** Messages of a run. */
  public sealed interface Command extends JsonSerializable {}

  /** Stop the run: LoadGen stops issuing, outstanding queries fail with {@code aborted: reason}, the bundle is written. */
  public record Cancel(String reason) implements Command {}

  private record DeviceLost(String deviceId, String reason) implements Command {}

  private enum ProgressTick implements Command { INSTANCE }

  /** Abort after a lost device's in-flight queries had the chance to fail with their own reason (device-offline). */
  private enum AbortNow implements Command { INSTANCE }

  /** How long an abort on device loss waits for the lost device's in-flight queries to fail on their own. */
  static final java.time.Duration ABORT_GRACE = java.time.Duration.ofMillis(300);

  private record RunnerEnded(String bundleDir, String verdict, JsonNode summary, String failure) implements Command {}

  /**
   * What a run needs besides the actors.
   *
   * @param hellos each involved device's capabilities (the spec's devices, then the offload peer), for the bundle
   * @param offloadUrls offload peer endpoints by device id
   * @param bundleRoot where run folders go ({@code <data-dir>/experiments})
   * @param askTimeout the REST/actor ask timeout (added to each command's own timeout for a lost twin)
   * @param replyGrace the twins' reply grace
   */
  public record Setup(
      String runId,
      ExperimentPlan plan,
      List<Hello> hellos,
      List<String> devices,
      Map<String, String> offloadUrls,
      TargetPolicy policy,
      Path bundleRoot,
      Duration progressInterval,
      Duration askTimeout,
      Duration replyGrace) {}

  public static Behavior<Command> create(
      Setup setup,
      ActorRef<DeviceRegistry.Command> registry,
      ActorRef<ExperimentManager.Command> manager,
      TelemetrySink sink,
      Clock clock,
      Executor blocking) {
    return Behaviors.withMdc(Command.class, Map.of("runId", setup.runId()),
        Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
            new ExperimentRun(ctx, timers, setup, registry, manager, sink, clock, blocking))));
  }

  /** Counters the runner thread updates and the actor reads on each progress tick. */
  private static final class Live {
    volatile int repetition;
    volatile LoadGenSettings settings;
    volatile long repetitionStartNanos;
    volatile long repetitionStartEpochNs;
    volatile String phase = "starting";
    volatile FleetSut sut;
    volatile TargetPolicy policy;
    final AtomicLong issued = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
  }

  private final Setup setup;
  private final ActorRef<ExperimentManager.Command> manager;
  private final TelemetrySink sink;
  private final Clock clock;
  private final ExperimentRunner runner;
  private final Live live = new Live();
  private final TimelineInjector injector;
  private final ActorRef<DeviceRegistry.Command> registry;
  private final org.apache.pekko.actor.typed.Scheduler scheduler;
  private final AutoScaleComparison comparison;
  private final Set<String> lostDevices = new LinkedHashSet<>();
  private final String scenario;
  private String cancelReason;
  private String abortReason;
  private final TimerScheduler<Command> timers;
  private boolean ended;
  /** Every answered query with what its {@code query} point was written from, to add the meter's energy at the end. */
  private final java.util.Queue<AnsweredQuery> answered = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private record AnsweredQuery(int repetition, QueryRecord record, long repetitionStartEpochNs, String model, String policy,
      String correlationId) {}

  private ExperimentRun(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      Setup setup,
      ActorRef<DeviceRegistry.Command> registry,
      ActorRef<ExperimentManager.Command> manager,
      TelemetrySink sink,
      Clock clock,
      Executor blocking) {
    super(ctx);
    this.setup = setup;
    this.manager = manager;
    this.sink = sink;
    this.clock = clock;
    this.scenario = setup.plan().repetitions().get(0).settings().scenario().mlperfName();
    this.runner = new ExperimentRunner(new SystemTicker(), new Listener());
    Map<String, List<String>> links = new LinkedHashMap<>();
    for (String id : setup.devices()) links.put(id, List.copyOf(setup.offloadUrls().keySet()));
    this.registry = registry;
    this.scheduler = ctx.getSystem().scheduler();
    this.injector = new TimelineInjector(setup.runId(), registry, sink, ctx.getSystem().scheduler(), clock,
        AutoScaleComparison.controlTimeout(setup.plan().spec()), links);
    this.comparison = AutoScaleSpecRules.autoscale(setup.plan().spec())
        ? new AutoScaleComparison(setup, registry, sink, clock, ctx.getSystem().scheduler(), injector) : null;

    Map<String, TwinRef> twins = new LinkedHashMap<>();
    for (String id : setup.devices()) twins.put(id, DeviceRegistry.twin(registry, id));
    ActorRef<Command> self = ctx.getSelf();
    ExperimentRunner.SutFactory suts = rep -> {
      long commandTimeoutMs = Math.max(1, rep.settings().queryTimeoutNs() / 1_000_000L);
      FleetSut sut = new FleetSut(new FleetSut.Setup(setup.runId(), rep.index(), currentPolicy(), setup.devices(), twins,
          setup.offloadUrls(), setup.plan().spec().precision(), commandTimeoutMs,
          Duration.ofMillis(commandTimeoutMs).plus(setup.replyGrace()).plus(setup.askTimeout()), ctx.getSystem().scheduler()),
          (device, reason) -> self.tell(new DeviceLost(device, reason)));
      live.issued.set(0);
      live.completed.set(0);
      live.failed.set(0);
      live.settings = rep.settings();
      live.sut = sut;
      live.repetition = rep.index();
      live.repetitionStartNanos = System.nanoTime();
      live.repetitionStartEpochNs = nowNs();
      live.phase = comparison == null ? "running" : "running " + currentPolicy().name();
      event("repetition", null, "repetition " + rep.index() + " of " + setup.plan().repetitions().size() + " (seed "
          + rep.seed() + ")", rep.index());
      return sut;
    };
    ExperimentRunner.EventApplier events = (rep, e) -> applyTimeline(rep, e);
    SummaryOptions options = SummaryOptions.forPlan(setup.plan(), sutName(setup));

    ctx.getLog().info("Experiment {} started: {} {} on {} ({} repetitions)", setup.runId(), scenario,
        setup.policy().name(), setup.devices(), setup.plan().repetitions().size());
    event("started", null, "started " + scenario + " on " + String.join(",", setup.devices()), 1);
    this.timers = timers;
    timers.startTimerWithFixedDelay(ProgressTick.INSTANCE, setup.progressInterval());
    ctx.pipeToSelf(
        CompletableFuture.supplyAsync(() -> runAndWrite(suts, events, options), blocking),
        (ended, ex) -> ended != null ? ended : new RunnerEnded(null, null, null, rootMessage(ex)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(DeviceLost.class, this::onDeviceLost)
        .onMessageEquals(ProgressTick.INSTANCE, this::onProgressTick)
        .onMessageEquals(AbortNow.INSTANCE, this::onAbortNow)
        .onMessage(RunnerEnded.class, this::onRunnerEnded)
        .onSignal(PostStop.class, this::onPostStop)
        .build();
  }

  // Runs on the experiments dispatcher: blocking.
  private RunnerEnded runAndWrite(ExperimentRunner.SutFactory suts, ExperimentRunner.EventApplier events,
      SummaryOptions options) {
    BundleContents contents;
    try {
      contents = comparison == null ? runner.run(setup.runId(), setup.plan(), setup.hellos(), options, suts, events)
          : comparison.run(policy -> {
            live.policy = policy;
            return runner.run(setup.runId(), setup.plan(), setup.hellos(), options, suts, events);
          }, phase -> live.phase = phase);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new RunnerEnded(null, null, null, "interrupted");
    } catch (IllegalStateException e) {
      return new RunnerEnded(null, null, null, e.getMessage());
    }
    live.phase = "writing-bundle";
    try {
      Path dir = ResultBundle.write(setup.bundleRoot(), contents);
      injector.writeTo(dir);
      List<io.testbed.orchestrator.model.EnergyView> energies =
          RunEnergyExport.fetchAndWrite(registry, scheduler, setup.runId(), dir, Duration.ofSeconds(3));
      if (!energies.isEmpty()) addMeteredEnergy(dir, contents, energies);
      if (comparison != null) comparison.writeReport(dir);
      JsonNode summary = SpecJson.mapper().readTree(dir.resolve(ResultBundle.SUMMARY).toFile());
      return new RunnerEnded(dir.toAbsolutePath().toString(), contents.aggregate().result(), summary, null);
    } catch (java.io.IOException e) {
      return new RunnerEnded(null, contents.aggregate().result(), null, "cannot write the result bundle: " + e.getMessage());
    }
  }

  /**
   * The meter's per-inference energies, joined to the queries by correlation id: {@code queries.csv} rewritten with
   * the {@code metered*} columns, and each such query's {@code query} point written again (same series and time, so
   * InfluxDB merges the fields into it) with {@code meteredEnergyJ}, {@code meteredEnergyUncertaintyJ},
   * {@code meteredEnergyMethod}, {@code meteredEnergySource} and {@code meter}.
   */
  private void addMeteredEnergy(Path dir, BundleContents contents, List<io.testbed.orchestrator.model.EnergyView> energies)
      throws java.io.IOException {
    Map<String, io.testbed.orchestrator.model.EnergyView> byCorrelation = new java.util.HashMap<>();
    for (io.testbed.orchestrator.model.EnergyView e : energies) byCorrelation.put(e.correlationId(), e);
    Map<Integer, Map<Long, io.testbed.experiments.bundle.MeteredQueryEnergy>> metered = new java.util.TreeMap<>();
    for (AnsweredQuery q : answered) {
      io.testbed.orchestrator.model.EnergyView e = byCorrelation.get(q.correlationId());
      if (e == null) continue;
      io.testbed.experiments.bundle.MeteredQueryEnergy m = new io.testbed.experiments.bundle.MeteredQueryEnergy(e.meterId(),
          e.energyJ(), e.energyUncertaintyJ(), e.energyMethod(), e.energySource());
      metered.computeIfAbsent(q.repetition(), k -> new java.util.HashMap<>()).put(q.record().queryId(), m);
      io.testbed.orchestrator.port.TelemetryPoint base = Measurements.query(q.record(), q.repetitionStartEpochNs(),
          setup.runId(), q.model(), scenario, q.repetition(), q.policy());
      Map<String, Number> fields = new LinkedHashMap<>();
      if (m.energyJ() != null) fields.put("meteredEnergyJ", m.energyJ());
      if (m.uncertaintyJ() != null) fields.put("meteredEnergyUncertaintyJ", m.uncertaintyJ());
      Map<String, String> text = new LinkedHashMap<>();
      text.put("meteredEnergyMethod", m.method());
      if (m.source() != null) text.put("meteredEnergySource", m.source());
      text.put("meter", m.meterId());
      sink.write(new io.testbed.orchestrator.port.TelemetryPoint(base.measurement(), base.tags(), fields, text, base.timestampNs()));
    }
    if (metered.isEmpty() || comparison != null) return; // AutoScale writes a queries.csv per policy, without meter columns
    Map<Integer, List<QueryRecord>> records = new LinkedHashMap<>();
    contents.repetitions().forEach(r -> records.put(r.index(), r.records()));
    io.testbed.experiments.bundle.QueryCsv.write(dir.resolve(ResultBundle.QUERIES), records, metered);
  }

  private Behavior<Command> onCancel(Cancel m) {
    if (cancelReason == null && abortReason == null) {
      cancelReason = m.reason() == null || m.reason().isBlank() ? "cancelled" : m.reason();
      if (comparison != null) comparison.cancel();
      getContext().getLog().info("Experiment {} cancelled: {}", setup.runId(), cancelReason);
      live.phase = "cancelling";
      event("cancelled", null, cancelReason, 1);
      runner.cancel(cancelReason);
    }
    return this;
  }

  private Behavior<Command> onDeviceLost(DeviceLost m) {
    if (!lostDevices.add(m.deviceId())) return this;
    ExperimentSpec.OnDeviceLoss policy = setup.plan().onDeviceLoss();
    getContext().getLog().warn("Experiment {}: device {} lost ({}); onDeviceLoss={}", setup.runId(), m.deviceId(),
        m.reason(), policy.name().toLowerCase());
    event("device-lost", m.deviceId(), m.reason(), 1);
    if (policy == ExperimentSpec.OnDeviceLoss.ABORT && abortReason == null && cancelReason == null) {
      abortReason = "device '" + m.deviceId() + "' went offline (onDeviceLoss: abort)";
      live.phase = "cancelling";
      timers.startSingleTimer(AbortNow.INSTANCE, ABORT_GRACE);
    }
    return this;
  }

  private Behavior<Command> onAbortNow() {
    if (cancelReason == null) {
      if (comparison != null) comparison.cancel();
      runner.cancel(abortReason);
    }
    return this;
  }

  private Behavior<Command> onProgressTick() {
    manager.tell(progress());
    return this;
  }

  private Behavior<Command> onRunnerEnded(RunnerEnded m) {
    ended = true;
    injector.close();
    ExperimentStatus status;
    String error;
    if (cancelReason != null) {
      status = ExperimentStatus.CANCELLED;
      error = "cancelled: " + cancelReason;
    } else if (abortReason != null) {
      status = ExperimentStatus.FAILED;
      error = "aborted: " + abortReason;
    } else if (m.failure() != null) {
      status = ExperimentStatus.FAILED;
      error = m.failure();
    } else {
      status = ExperimentStatus.COMPLETED;
      error = null;
    }
    if (m.failure() != null && error != null && !error.contains(m.failure())) error = error + "; " + m.failure();
    live.phase = "done";
    manager.tell(progress());
    event(status == ExperimentStatus.CANCELLED ? "cancelled" : "completed", null,
        status.wireName() + (m.verdict() != null ? " " + m.verdict() : "") + (error != null ? ": " + error : ""),
        status == ExperimentStatus.COMPLETED ? 1 : 0);
    if (error == null) getContext().getLog().info("Experiment {} completed: {} ({})", setup.runId(), m.verdict(), m.bundleDir());
    else getContext().getLog().warn("Experiment {} ended {}: {}", setup.runId(), status.wireName(), error);
    manager.tell(new ExperimentManager.RunEnded(setup.runId(), status, m.verdict(), m.bundleDir(), error, m.summary()));
    return Behaviors.stopped();
  }

  /** Stopped before the runner ended (orchestrator shutting down): stop LoadGen so its thread is not left running. */
  private Behavior<Command> onPostStop(PostStop signal) {
    if (!ended) {
      runner.cancel("orchestrator stopping");
      if (comparison != null) comparison.cancel();
    }
    injector.close();
    return this;
  }

  private ExperimentManager.RunProgress progress() {
    LoadGenSettings s = live.settings;
    int reps = setup.plan().repetitions().size();
    Long total = null;
    Double eta = null;
    if (s != null) {
      ProgressEstimate e = ProgressEstimate.of(s, live.issued.get(), System.nanoTime() - live.repetitionStartNanos,
          reps - live.repetition);
      total = e.queriesTotal();
      eta = e.etaSeconds();
    }
    if ("done".equals(live.phase)) eta = 0.0;
    return new ExperimentManager.RunProgress(setup.runId(), live.phase, live.repetition, reps, live.completed.get(),
        live.failed.get(), total, eta);
  }

  private TargetPolicy currentPolicy() {
    TargetPolicy p = live.policy;
    return p != null ? p : setup.policy();
  }

  /**
   * Applies a timeline action: {@code interference} and {@code network} through the {@link TimelineInjector} (throws
   * when the device did not apply it, so the event carries the error); other actions have no injector: recorded, not
   * applied.
   */
  private void applyTimeline(ExperimentPlan.Repetition rep, TimelineEvent e) {
    if (TimelineControls.injected(e.action())) {
      injector.repetition(rep.index());
      injector.apply(e, rep.seed());
      return;
    }
    String what = e.action() + (e.device() != null ? " on " + e.device() : "") + (e.params() != null ? " " + e.params() : "");
    event("timeline", e.device(), "not applied (no injector for '" + e.action() + "' in this build): " + what, rep.index());
    throw new UnsupportedOperationException("no injector for timeline action '" + e.action() + "' in this build");
  }

  private void event(String kind, String device, String message, long value) {
    sink.write(Measurements.experimentEvent(setup.runId(), kind, device, message, value, nowNs()));
  }

  private long nowNs() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static String sutName(Setup s) {
    String target = s.plan().spec().policy().target();
    return String.join("+", s.devices()) + "/" + String.join("+", s.plan().spec().models()) + "/" + target;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  /** LoadGen's live hooks (LoadGen's thread): counters for progress, one {@code query} point per completed query. */
  private final class Listener implements LoadGenListener {
    @Override
    public void onIssued(Query query, long issuedNs) {
      live.issued.incrementAndGet();
    }

    @Override
    public void onCompleted(QueryRecord r) {
      live.completed.incrementAndGet();
      if (!r.succeeded()) live.failed.incrementAndGet();
      FleetSut sut = live.sut;
      String model = sut == null ? null : sut.completed(r);
      String correlationId = sut == null ? null : sut.correlationId(r.queryId());
      if (correlationId != null) {
        answered.add(new AnsweredQuery(live.repetition, r, live.repetitionStartEpochNs, model, currentPolicy().name(), correlationId));
      }
      sink.write(Measurements.query(r, live.repetitionStartEpochNs, setup.runId(), model, scenario, live.repetition,
          currentPolicy().name()));
    }
  }
}
