package io.testbed.orchestrator.thermal;

import io.testbed.experiments.thermal.ModeChange;
import io.testbed.experiments.thermal.ThermalFrame;
import io.testbed.experiments.thermal.ThermalReport;
import io.testbed.experiments.thermal.ThermalSpec;
import io.testbed.orchestrator.policy.thermal.ControllerState;
import io.testbed.orchestrator.policy.thermal.Decision;
import io.testbed.orchestrator.policy.thermal.Mode;
import io.testbed.orchestrator.policy.thermal.Observation;
import io.testbed.orchestrator.policy.thermal.ThermalPolicy;
import io.testbed.orchestrator.port.SensorNodePort;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@code thermal} experiment against one sensor node (SYSTEMS.md section 4), blocking (on the experiments
 * dispatcher or a CLI thread). For every repetition and policy: applies the environment, puts the node in the
 * policy's home mode, then paces frames at the capture rate (closed loop: the next frame goes after the previous
 * result, so a slow node lowers the achieved fps rather than queueing). Before each frame the pure policy decides on
 * the temperature the node reported at the end of the previous frame ({@code metrics.temperatureC}), so
 * stop-capture-go acts per frame (a stop lasts at least one frame, ~33 ms at 30 fps) instead of per 1 s heartbeat.
 * A mode change is a {@code SetMode} awaited until acknowledged, recorded as an {@code experiment_event} (kind
 * {@code mode}); every frame is a {@code thermal} point (tags run, device, policy, mode; fields temperatureC, psnrDb,
 * agreement, powerW, energyJ, captured, thresholdC). The node's own CAP watchdog and the policy's watchdog both bound
 * every stop.
 */
public final class ThermalRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ThermalRunner.class);
  static final String THERMAL = "thermal";
  static final String EXPERIMENT_EVENT = "experiment_event";

  private final ThermalSettings settings;
  private final SensorNodePort node;
  private final TelemetrySink sink;
  private final Clock clock;
  private final LongSupplier monoNs;
  private final AtomicBoolean cancelled = new AtomicBoolean();

  /** A finished run: its report, frames and mode changes. */
  public record Finished(ThermalReport report, List<ThermalFrame> frames, List<ModeChange> changes) {}

  public ThermalRunner(ThermalSettings settings, SensorNodePort node, TelemetrySink sink, Clock clock, LongSupplier monoNs) {
    this.settings = settings;
    this.node = node;
    this.sink = sink;
    this.clock = clock;
    this.monoNs = monoNs;
  }

  /** Stops the run after the current frame. */
  public void cancel() { cancelled.set(true); }

  /**
   * Runs every policy of {@code spec} (defaults applied) {@code repetitions} times.
   *
   * @param farUrl the far device's offload endpoint (from its hello); null when no policy uses FAR
   */
  public Finished run(String runId, ThermalSpec specIn, String farUrl) throws InterruptedException {
    ThermalSpec spec = specIn.withDefaults();
    List<ThermalFrame> frames = new ArrayList<>();
    List<ModeChange> changes = new ArrayList<>();
    event(runId, "started", "thermal " + spec.policies() + " on " + spec.sensorNode() + " (far " + spec.farDevice() + ")", 1);
    for (int rep = 0; rep < spec.repetitions() && !cancelled.get(); rep++) {
      for (String policy : spec.policies()) {
        if (cancelled.get()) break;
        runPolicy(runId, spec, farUrl, policy, rep, frames, changes);
      }
    }
    ThermalReport report = ThermalReport.of(runId, spec, frames, changes);
    event(runId, cancelled.get() ? "cancelled" : "completed", cancelled.get() ? "cancelled" : "completed", cancelled.get() ? 0 : 1);
    sink.flush();
    return new Finished(report, frames, changes);
  }

  private void runPolicy(String runId, ThermalSpec spec, String farUrl, String policyName, int rep, List<ThermalFrame> frames,
      List<ModeChange> changes) throws InterruptedException {
    String device = spec.sensorNode();
    coolDown(spec);
    List<ThermalSpec.EnvironmentStep> env = spec.environment();
    double ambient = env.get(0).ambientC();
    double lighting = env.get(0).lighting();
    applyEnvironment(runId, device, ambient, lighting);
    long maxStopNs = TimeUnit.MILLISECONDS.toNanos(spec.maxStopMs());
    ThermalPolicies.Built built = ThermalPolicies.build(policyName, settings, spec.fidelityTargetDb(), ambient, lighting, maxStopNs, spec.hysteresisC());
    ThermalPolicy policy = built.policy();
    LOG.info("thermal {} rep {}: {} threshold {} C{} (ambient {} C, lighting {})", runId, rep, policyName,
        String.format(Locale.ROOT, "%.1f", built.threshold().temperatureC()), built.threshold().feasible() ? "" : " (infeasible: " + built.threshold().note() + ")",
        ambient, lighting);
    event(runId, "repetition", policyName + " repetition " + rep + ": threshold " + String.format(Locale.ROOT, "%.1f", built.threshold().temperatureC())
        + " C", rep);
    Mode mode = policy.homeMode();
    SensorNodePort.Ack home = setMode(mode, spec, farUrl);
    changes.add(new ModeChange(policyName, rep, 0, "start", mode.wireName(), "HOME", Double.NaN, home.applied()));
    modeEvent(runId, device, policyName, "start", mode, "HOME", home);
    if (!home.applied()) throw new IllegalStateException(device + " refused mode " + mode.wireName() + ": " + home.error());

    long periodNs = Math.round(1e9 / spec.captureFps());
    long durationNs = Math.round(spec.durationS() * 1e9);
    long capturePeriodNs = TimeUnit.MILLISECONDS.toNanos(spec.capturePeriodMs());
    long start = monoNs.getAsLong();
    ControllerState state = policy.initial(0);
    double lastTemp = Double.NaN;
    boolean captureDue = false;
    long nextCaptureNs = capturePeriodNs;
    int envNext = 1;
    double threshold = built.threshold().temperatureC();
    for (long i = 0; !cancelled.get(); i++) {
      long dueNs = i * periodNs;
      long elapsed = monoNs.getAsLong() - start;
      if (elapsed < dueNs) {
        TimeUnit.NANOSECONDS.sleep(dueNs - elapsed);
        elapsed = monoNs.getAsLong() - start;
      }
      if (elapsed >= durationNs) break;
      while (envNext < env.size() && TimeUnit.MILLISECONDS.toNanos(env.get(envNext).atMs()) <= elapsed) {
        ThermalSpec.EnvironmentStep e = env.get(envNext++);
        ambient = e.ambientC() != null ? e.ambientC() : ambient;
        lighting = e.lighting() != null ? e.lighting() : lighting;
        applyEnvironment(runId, device, ambient, lighting);
        built = ThermalPolicies.build(policyName, settings, spec.fidelityTargetDb(), ambient, lighting, maxStopNs, spec.hysteresisC());
        policy = built.policy();
        threshold = built.threshold().temperatureC();
      }
      if (elapsed >= nextCaptureNs) {
        captureDue = true;
        while (nextCaptureNs <= elapsed) nextCaptureNs += capturePeriodNs;
      }
      ThermalPolicy.Step step = policy.decide(state, new Observation(lastTemp, elapsed, captureDue));
      state = step.next();
      Decision d = step.decision();
      if (d.ignoredReading() != null) LOG.warn("thermal {}: ignored temperature {} from {}: {}", runId, lastTemp, device, d.ignoredReading());
      boolean capture = d.capture();
      if (capture) captureDue = false;
      // Stop-capture-go ends a stop by capturing while still gated, then resuming: the fast stage re-heats within
      // milliseconds of NSP, so the capture frame goes before the SetMode nsp (SYSTEMS.md section 4: stop, capture, go).
      boolean captureFirst = capture && d instanceof Decision.SwitchMode s0 && s0.from() == Mode.CAP;
      InferenceResult r = null;
      if (captureFirst) r = node.frame(i, "mobilenet", settings.frameTimeout());
      if (d instanceof Decision.SwitchMode s) {
        SensorNodePort.Ack ack = setMode(s.mode(), spec, farUrl);
        changes.add(new ModeChange(policyName, rep, elapsed, s.from().wireName(), s.mode().wireName(), s.cause().name(), lastTemp, ack.applied()));
        modeEvent(runId, device, policyName, s.from().wireName(), s.mode(), s.cause().name(), ack);
        if (!ack.applied()) LOG.warn("thermal {}: {} refused mode {}: {}", runId, device, s.mode().wireName(), ack.error());
      }
      if (!captureFirst) r = node.frame(i, "mobilenet", settings.frameTimeout());
      long tNs = monoNs.getAsLong() - start;
      ThermalFrame f = frame(policyName, rep, i, elapsed, r, capture, threshold, spec.captureFps());
      frames.add(f);
      if (f.ok()) lastTemp = f.temperatureC();
      else lastTemp = Double.NaN;
      sink.write(point(runId, device, f, r, nowNs()));
      if (tNs > durationNs) break;
    }
  }

  private void coolDown(ThermalSpec spec) throws InterruptedException {
    if (spec.coolDownS() <= 0) return;
    long end = monoNs.getAsLong() + Math.round(spec.coolDownS() * 1e9);
    while (monoNs.getAsLong() < end && !cancelled.get()) {
      node.setMode(Mode.CAP.wireName(), null, null, settings.ackTimeout());   // repeated: the node's CAP watchdog must not fire
      TimeUnit.MILLISECONDS.sleep(Math.min(300, Math.max(1, (end - monoNs.getAsLong()) / 1_000_000)));
    }
  }

  private SensorNodePort.Ack setMode(Mode mode, ThermalSpec spec, String farUrl) {
    if (mode == Mode.FAR) {
      if (farUrl == null) return new SensorNodePort.Ack(false, "no far device endpoint (farDevice " + spec.farDevice() + ")", Map.of());
      return node.setMode(mode.wireName(), spec.farDevice(), farUrl, settings.ackTimeout());
    }
    return node.setMode(mode.wireName(), null, null, settings.ackTimeout());
  }

  private void applyEnvironment(String runId, String device, double ambientC, double lighting) {
    SensorNodePort.Ack ack = node.setEnvironment(ambientC, lighting, settings.ackTimeout());
    if (!ack.applied()) throw new IllegalStateException(device + " refused the environment (ambient " + ambientC + " C, lighting " + lighting + "): " + ack.error());
    sink.write(TelemetryPoint.builder(EXPERIMENT_EVENT, nowNs()).tag("run", runId).tag("kind", "environment").tag("device", device)
        .field("value", 1L).field("ambientC", ambientC).field("lighting", lighting)
        .text("message", String.format(Locale.ROOT, "ambient %.1f C, lighting %.2f", ambientC, lighting)).build());
  }

  private static ThermalFrame frame(String policy, int rep, long index, long tNs, InferenceResult r, boolean capture, double thresholdC, double fps) {
    if (r == null || r.outcome() != Outcome.OK || r.metrics() == null || !r.metrics().containsKey("temperatureC")) {
      return new ThermalFrame(policy, rep, index, tNs, "none", Double.NaN, Double.NaN, null, 0, 0, 0, capture, false, thresholdC);
    }
    Map<String, Double> m = r.metrics();
    int code = (int) Math.round(m.getOrDefault("modeCode", 0.0));
    String mode = code == 1 ? "cap" : code == 2 ? "far" : "nsp";
    return new ThermalFrame(policy, rep, index, tNs, mode, m.get("temperatureC"), m.getOrDefault("psnrDb", Double.NaN), m.get("agreement"),
        m.getOrDefault("nodePowerW", 0.0), m.getOrDefault("transferPowerW", 0.0), m.getOrDefault("farPowerW", 0.0), capture, true, thresholdC);
  }

  static TelemetryPoint point(String runId, String device, ThermalFrame f, InferenceResult r, long nowNs) {
    return TelemetryPoint.builder(THERMAL, nowNs).tag("run", runId).tag("device", device).tag("policy", f.policy()).tag("mode", f.mode())
        .tag("source", "modelled")
        .field("temperatureC", f.ok() ? f.temperatureC() : null).field("psnrDb", f.ok() ? f.psnrDb() : null).field("agreement", f.agreement())
        .field("powerW", f.ok() ? f.systemPowerW() : null).field("nodePowerW", f.ok() ? f.nodePowerW() : null)
        .field("energyJ", r == null ? null : r.energyJ()).field("thresholdC", f.thresholdC()).field("captured", f.capture() ? 1L : 0L)
        .field("ok", f.ok() ? 1L : 0L).field("frame", f.index()).field("repetition", (long) f.repetition()).build();
  }

  private void modeEvent(String runId, String device, String policy, String from, Mode to, String cause, SensorNodePort.Ack ack) {
    sink.write(TelemetryPoint.builder(EXPERIMENT_EVENT, nowNs()).tag("run", runId).tag("kind", "mode").tag("device", device).tag("policy", policy)
        .tag("mode", to.wireName()).field("value", ack.applied() ? 1L : 0L)
        .text("message", from + " -> " + to.wireName() + " (" + cause.toLowerCase(Locale.ROOT) + ")" + (ack.applied() ? "" : ": refused: " + ack.error()))
        .build());
  }

  private void event(String runId, String kind, String message, long value) {
    sink.write(TelemetryPoint.builder(EXPERIMENT_EVENT, nowNs()).tag("run", runId).tag("kind", kind).field("value", value).text("message", message).build());
  }

  private long nowNs() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
