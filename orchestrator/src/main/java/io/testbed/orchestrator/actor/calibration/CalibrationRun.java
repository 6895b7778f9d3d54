package io.testbed.orchestrator.actor.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.calibration.CalibrationReport;
import io.testbed.experiments.calibration.CalibrationSpec;
import io.testbed.experiments.calibration.StepResult;
import io.testbed.orchestrator.actor.DeviceRegistry;
import io.testbed.orchestrator.actor.DeviceTwin;
import io.testbed.orchestrator.actor.ExperimentManager;
import io.testbed.orchestrator.actor.JsonSerializable;
import io.testbed.orchestrator.actor.PowerKeeper;
import io.testbed.orchestrator.actor.RunEnergyExport;
import io.testbed.orchestrator.actor.TwinRef;
import io.testbed.orchestrator.model.ExperimentStatus;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.protocol.ExecutionTarget;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Drives one power calibration (issue 6, {@code "type": "calibration"}): on the experiments dispatcher it runs each
 * step of the spec on the device (inferences through the device's twin as a duty cycle: after each inference it waits
 * until the target's busy share of the cycle is the step's level; the idle step sends nothing), then asks the
 * {@link PowerKeeper} for the mean power over the step's window from the meter and from the device's own modelled
 * samples, both aligned to the orchestrator's clock. Reports progress, writes the {@link CalibrationReport} bundle (and
 * {@code energy.csv} of the per-inference metered energies), reports the end to the {@link ExperimentManager}, stops.
 */
public final class CalibrationRun extends AbstractBehavior<CalibrationRun.Command> {

  /** Messages of a calibration run. */
  public sealed interface Command extends JsonSerializable {}

  /** Stop after the current inference; the steps done so far are reported. */
  public record Cancel(String reason) implements Command {}

  private enum ProgressTick implements Command { INSTANCE }

  private record Ended(String bundleDir, String verdict, JsonNode summary, String failure) implements Command {}

  /**
   * @param device the device's hello (targets, precision, profile name)
   * @param meterId the meter resolved at submission
   * @param specJson the spec as submitted (kept in the bundle)
   * @param coverWait how long a step waits after its end for the meter's and the device's samples to cover it
   */
  public record Setup(String runId, CalibrationSpec spec, String specJson, Hello device, String meterId, Path bundleRoot,
      Duration progressInterval, Duration askTimeout, Duration replyGrace, Duration coverWait) {}

  public static Behavior<Command> create(Setup setup, ActorRef<DeviceRegistry.Command> registry,
      ActorRef<ExperimentManager.Command> manager, TelemetrySink sink, Clock clock, Executor blocking) {
    return Behaviors.withMdc(Command.class, Map.of("runId", setup.runId()), Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new CalibrationRun(ctx, timers, setup, registry, manager, sink, clock, blocking))));
  }

  private final Setup setup;
  private final ActorRef<DeviceRegistry.Command> registry;
  private final ActorRef<ExperimentManager.Command> manager;
  private final TelemetrySink sink;
  private final Clock clock;
  private final Scheduler scheduler;
  private final TwinRef twin;
  private final List<CalibrationSpec.Step> steps;
  private volatile String cancelReason;
  private volatile String phase = "starting";
  private volatile int step;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private boolean ended;
  private volatile String lastMeterSource;

  private CalibrationRun(ActorContext<Command> ctx, TimerScheduler<Command> timers, Setup setup,
      ActorRef<DeviceRegistry.Command> registry, ActorRef<ExperimentManager.Command> manager, TelemetrySink sink,
      Clock clock, Executor blocking) {
    super(ctx);
    this.setup = setup;
    this.registry = registry;
    this.manager = manager;
    this.sink = sink;
    this.clock = clock;
    this.scheduler = ctx.getSystem().scheduler();
    this.twin = DeviceRegistry.twin(registry, setup.spec().device());
    this.steps = setup.spec().steps();
    ctx.getLog().info("Calibration {} started: {} steps on {} against meter {}", setup.runId(), steps.size(),
        setup.spec().device(), setup.meterId());
    event("started", "calibration of " + setup.spec().device() + " against meter " + setup.meterId() + " (" + steps.size() + " steps)", 1);
    timers.startTimerWithFixedDelay(ProgressTick.INSTANCE, setup.progressInterval());
    ctx.pipeToSelf(CompletableFuture.supplyAsync(this::runAll, blocking),
        (e, ex) -> e != null ? e : new Ended(null, null, null, ex.getMessage() != null ? ex.getMessage() : ex.toString()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Cancel.class, this::onCancel)
        .onMessageEquals(ProgressTick.INSTANCE, this::onProgressTick)
        .onMessage(Ended.class, this::onEnded)
        .onSignal(PostStop.class, s -> {
          if (!ended) cancelReason = "orchestrator stopping";
          return this;
        })
        .build();
  }

  private Behavior<Command> onCancel(Cancel m) {
    if (cancelReason == null) {
      cancelReason = m.reason() == null || m.reason().isBlank() ? "cancelled" : m.reason();
      phase = "cancelling";
      getContext().getLog().info("Calibration {} cancelled: {}", setup.runId(), cancelReason);
    }
    return this;
  }

  private Behavior<Command> onProgressTick() {
    manager.tell(progress());
    return this;
  }

  private Behavior<Command> onEnded(Ended m) {
    ended = true;
    ExperimentStatus status;
    String error;
    if (cancelReason != null) {
      status = ExperimentStatus.CANCELLED;
      error = "cancelled: " + cancelReason + (m.failure() != null ? "; " + m.failure() : "");
    } else if (m.failure() != null) {
      status = ExperimentStatus.FAILED;
      error = m.failure();
    } else {
      status = ExperimentStatus.COMPLETED;
      error = null;
    }
    phase = "done";
    manager.tell(progress());
    event(status == ExperimentStatus.CANCELLED ? "cancelled" : "completed",
        status.wireName() + (m.verdict() != null ? " " + m.verdict() : "") + (error != null ? ": " + error : ""),
        status == ExperimentStatus.COMPLETED ? 1 : 0);
    if (error == null) getContext().getLog().info("Calibration {} completed: {} ({})", setup.runId(), m.verdict(), m.bundleDir());
    else getContext().getLog().warn("Calibration {} ended {}: {}", setup.runId(), status.wireName(), error);
    manager.tell(new ExperimentManager.RunEnded(setup.runId(), status, m.verdict(), m.bundleDir(), error, m.summary()));
    return Behaviors.stopped();
  }

  private ExperimentManager.RunProgress progress() {
    int remaining = Math.max(0, steps.size() - step + 1);
    double stepS = (setup.spec().stepMs() + setup.spec().settleMs()) / 1000.0 + 1;
    Double eta = "done".equals(phase) ? 0.0 : remaining * stepS;
    return new ExperimentManager.RunProgress(setup.runId(), phase, step, steps.size(), done.get(), failed.get(), null, eta);
  }

  // --- the blocking part (experiments dispatcher) -------------------------------------------------------------------

  private Ended runAll() {
    List<StepResult> results = new ArrayList<>();
    String failure = null;
    try {
      for (CalibrationSpec.Step s : steps) {
        if (cancelReason != null) break;
        step = s.index();
        phase = "step " + s.index() + "/" + steps.size() + " " + s.label();
        load(s, setup.spec().settleMs(), null);
        long from = nowNs();
        List<InferenceResult> rs = new ArrayList<>();
        load(s, setup.spec().stepMs(), rs);
        long to = nowNs();
        if (cancelReason != null && rs.isEmpty() && !s.idle()) break;
        PowerKeeper.WindowPowers w = awaitCovered(from, to);
        StepResult r = result(s, from, to, rs, w);
        results.add(r);
        event("step", String.format(Locale.ROOT, "%s: utilisation %.3f, modelled %s W, metered %s W", s.label(),
            r.utilisation(), r.modelledW(), r.meteredW()), s.index());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    } catch (ExecutionException | TimeoutException e) {
      failure = "the power keeper did not answer: " + e.getMessage();
    }
    phase = "writing-bundle";
    Path dir = setup.bundleRoot().resolve(setup.runId());
    try {
      CalibrationReport report = new CalibrationReport(setup.runId(), setup.spec(), setup.device().profile(), setup.meterId(),
          lastMeterSource, scalable(setup.device()), results);
      JsonNode summary = report.write(dir);
      Files.writeString(dir.resolve("spec.json"), setup.specJson(), StandardCharsets.UTF_8);
      RunEnergyExport.write(registry, scheduler, setup.runId(), dir, Duration.ofSeconds(3));
      return new Ended(dir.toAbsolutePath().toString(), report.verdict(), summary, failure);
    } catch (IOException | RuntimeException e) {
      return new Ended(null, null, null, (failure != null ? failure + "; " : "") + "cannot write the result bundle: " + e.getMessage());
    }
  }

  /** Runs the step's load for {@code durationMs}; results go to {@code out} when given. */
  private void load(CalibrationSpec.Step s, long durationMs, List<InferenceResult> out)
      throws InterruptedException {
    long deadline = System.nanoTime() + durationMs * 1_000_000L;
    if (s.idle()) {
      sleepUntil(deadline);
      return;
    }
    ExecutionTarget target = setup.device().target(s.target()).orElseThrow();
    while (System.nanoTime() < deadline && cancelReason == null) {
      long cycleStart = System.nanoTime();
      DeviceTwin.InferenceRequest req = new DeviceTwin.InferenceRequest(s.model(), s.target(), target.precision(),
          setup.spec().batchSize(), setup.spec().seed() + done.get(), null, null, null, setup.spec().queryTimeoutMs());
      Duration wait = Duration.ofMillis(setup.spec().queryTimeoutMs()).plus(setup.replyGrace()).plus(setup.askTimeout());
      InferenceResult r;
      try {
        r = twin.runInference(req, setup.runId(), "calibration", wait, scheduler).toCompletableFuture()
            .get(wait.toMillis() + 1000, TimeUnit.MILLISECONDS).result();
      } catch (ExecutionException | TimeoutException e) {
        failed.incrementAndGet();
        done.incrementAndGet();
        sleepUntil(Math.min(deadline, System.nanoTime() + 100_000_000L));
        continue;
      }
      done.incrementAndGet();
      if (out != null) out.add(r);
      if (r.outcome() != Outcome.OK) {
        failed.incrementAndGet();
        sleepUntil(Math.min(deadline, System.nanoTime() + 100_000_000L)); // no hot loop on a failing device
        continue;
      }
      if (s.level() < 1) {
        // the busy share of this cycle is the level: cycle length = busy / level (busy: the device's execution window,
        // which its modelled power counts at the target's busy-w)
        long busyNs = r.endNs() - r.startNs();
        long cycleEnd = cycleStart + (long) (busyNs / s.level());
        sleepUntil(Math.min(deadline, cycleEnd));
      }
    }
  }

  private void sleepUntil(long nanoTime) throws InterruptedException {
    while (cancelReason == null) {
      long left = nanoTime - System.nanoTime();
      if (left <= 0) return;
      Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000L)), 0);
    }
  }

  /** Asks the keeper until the meter's and the device's samples cover the window, or {@code coverWait} has passed. */
  private PowerKeeper.WindowPowers awaitCovered(long from, long to)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + setup.coverWait().toNanos();
    while (true) {
      PowerKeeper.WindowPowers w = AskPattern.<DeviceRegistry.Command, PowerKeeper.WindowPowers>ask(registry,
          r -> new DeviceRegistry.ToPower(new PowerKeeper.GetWindowPower(setup.spec().device(), setup.meterId(), from, to, r)),
          setup.askTimeout(), scheduler).toCompletableFuture().get(setup.askTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      if (w.meterSource() != null) lastMeterSource = w.meterSource();
      if ((w.metered().covered() && w.device().covered()) || System.nanoTime() > deadline || cancelReason != null) return w;
      Thread.sleep(200);
    }
  }

  /**
   * The step's figures; utilisation = the device's execution windows inside the step's window (moved onto the
   * orchestrator's clock) over its length: the time the device's model counts at the target's busy power.
   */
  static StepResult result(CalibrationSpec.Step s, long from, long to, List<InferenceResult> rs, PowerKeeper.WindowPowers w) {
    long offset = w.deviceOffsetNs() == null ? 0 : Math.round(w.deviceOffsetNs());
    double busyNs = 0;
    int ok = 0;
    int failures = 0;
    for (InferenceResult r : rs) {
      if (r.outcome() != Outcome.OK) {
        failures++;
        continue;
      }
      ok++;
      long start = r.startNs() + offset;
      long end = r.endNs() + offset;
      long overlap = Math.min(end, to) - Math.max(start, from);
      if (overlap > 0) busyNs += overlap;
    }
    List<String> notes = new ArrayList<>();
    if (w.deviceOffsetNs() == null && !rs.isEmpty()) notes.add("no clock estimate of the device: its windows taken as the orchestrator's");
    if (!w.metered().note().isEmpty()) notes.add("meter: " + w.metered().note());
    if (!w.device().note().isEmpty()) notes.add("device: " + w.device().note());
    if (failures > 0) notes.add(failures + " inference(s) failed");
    return new StepResult(s.index(), s.label(), s.model(), s.target(), s.level(), from, to, ok, failures,
        busyNs / (to - from), w.device().meanW(), w.device().samplesInWindow(), w.metered().meanW(),
        w.metered().samplesInWindow(), w.alignmentUncertaintyNs(), String.join("; ", notes));
  }

  private static List<String> scalable(Hello h) {
    return h.targets().stream().filter(t -> !t.dvfsLevelsMHz().isEmpty()).map(ExecutionTarget::id).toList();
  }

  private void event(String kind, String message, long value) {
    sink.write(TelemetryPoint.builder("experiment_event", nowNs()).tag("run", setup.runId()).tag("kind", kind)
        .tag("device", setup.spec().device()).field("value", value).text("message", message).build());
  }

  private long nowNs() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
