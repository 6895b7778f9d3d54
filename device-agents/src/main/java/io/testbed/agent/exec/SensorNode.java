package io.testbed.agent.exec;

import io.testbed.agent.config.SensorSettings;
import io.testbed.agent.port.AgentClock;
import io.testbed.agent.port.OffloadPort;
import io.testbed.agent.port.OffloadPort.Computed;
import io.testbed.agent.port.OffloadPort.NotComputed;
import io.testbed.agent.sensor.Fidelity;
import io.testbed.agent.sensor.Frame;
import io.testbed.agent.sensor.FrameSource;
import io.testbed.agent.sensor.Frames;
import io.testbed.agent.sensor.PlausibilityFilter;
import io.testbed.agent.sensor.SensorMode;
import io.testbed.agent.sensor.SensorNoiseModel;
import io.testbed.agent.telemetry.ThermalZones;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.InferenceException;
import io.testbed.inference.InferenceOutput;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sensor node of SYSTEMS.md section 4 inside an agent: a frame source, the RC thermal model driven by the node's
 * modelled power in its current mode (real time, from the agent's clock), the noise model applied to each captured
 * frame at the current junction temperature, and the three modes: {@code nsp} (the vision model runs here),
 * {@code cap} (processor gated: capture only) and {@code far} (the noisy frame goes to the far device over the offload
 * HTTP contract and runs there).
 *
 * <p>A frame is an {@link InferenceCommand} with target {@value #FRAME_TARGET}, {@code inputSeed} = frame index. Its
 * result carries {@code metrics}: {@code temperatureC} (junction at the end of the frame, so a controller can act per
 * frame, far faster than 1 s heartbeats), {@code psnrDb} (noisy vs clean), {@code agreement} (top-1 of the model on the
 * noisy frame vs on the clean one; NSP and FAR), {@code modeCode} (0 nsp, 1 cap, 2 far),
 * {@code nodePowerW}, {@code transferPowerW}, {@code farPowerW}; {@code energyJ} = (node + transfer power) / fps,
 * modelled. The clean-frame reference inference is a testbed artefact: it runs after the measured window.
 *
 * <p>Watchdog: a node put in CAP goes back to its previous mode by itself after {@code cap-watchdog} without a new
 * {@code SetMode}, so a lost controller never leaves it gated.
 */
public final class SensorNode {
  private static final Logger LOG = LoggerFactory.getLogger(SensorNode.class);

  /** {@code InferenceCommand.target} of a frame command on a sensor node. */
  public static final String FRAME_TARGET = "frame";

  /** {@code SetMode.mode} that sets the environment (ambient, lighting): a local extension, see {@link #setEnvironment}. */
  public static final String ENVIRONMENT_MODE = "env";

  private final String deviceId;
  private final SensorSettings settings;
  private final boolean emulated;
  private final InferenceEngine engine;
  private final OffloadPort offload;
  private final AgentClock clock;
  private final ThermalZones zones;
  private final ScheduledExecutorService timer;
  private final SensorNoiseModel noise = SensorNoiseModel.stagioni();
  private final PlausibilityFilter filter;
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong watchdogReverts = new AtomicLong();
  private final AtomicLong rejectedReadings = new AtomicLong();

  // guarded by this
  private io.testbed.agent.sensor.ThermalRcModel thermal;
  private long thermalAtMono;
  private SensorMode mode;
  private SensorMode beforeCap;
  private long modeGeneration;
  private String farDeviceId;
  private String farUrl;
  private double lighting;
  private FrameSource source;
  private PlausibilityFilter.Reference reference = PlausibilityFilter.Reference.NONE;

  /** What a mode change applied. */
  public record Applied(SensorMode mode, SensorMode previous, double temperatureC, String farDeviceId, String farUrl) {}

  /** A temperature reading and its source ({@code temperatureC} null when none is usable). */
  public record Reading(Double temperatureC, PowerSource source) {}

  public SensorNode(String deviceId, SensorSettings settings, boolean emulated, InferenceEngine engine, OffloadPort offload,
      AgentClock clock, ThermalZones zones, ScheduledExecutorService timer) {
    this.deviceId = deviceId;
    this.settings = settings;
    this.emulated = emulated;
    this.engine = engine;
    this.offload = offload;
    this.clock = clock;
    this.zones = zones;
    this.timer = timer;
    this.filter = PlausibilityFilter.defaults(settings.thermal(), settings.maxHeatingW());
    this.thermal = io.testbed.agent.sensor.ThermalRcModel.atAmbient(settings.thermal());
    this.thermalAtMono = clock.monotonicNs();
    this.mode = settings.initialMode();
    this.lighting = settings.frames().lighting();
    this.source = new FrameSource(settings.frames());
  }

  public SensorSettings settings() { return settings; }

  public synchronized SensorMode mode() { return mode; }

  /** Frames processed (any mode). */
  public long frames() { return frames.get(); }

  /** Times the CAP watchdog put the node back in its previous mode. */
  public long watchdogReverts() { return watchdogReverts.get(); }

  /** Thermal-zone readings rejected as implausible (real nodes). */
  public long rejectedReadings() { return rejectedReadings.get(); }

  /** The modelled junction temperature now (the RC model advanced to the present at the current mode's power). */
  public synchronized double modelledJunctionC() {
    advance();
    return thermal.junctionC();
  }

  /**
   * The temperature to report: the RC model's junction ({@code modelled}) on an emulated node; on a real node the
   * hottest thermal zone ({@code metered}) when the plausibility filter accepts it, else null (logged and counted).
   */
  public Reading temperature() {
    if (emulated) return new Reading(modelledJunctionC(), PowerSource.MODELLED);
    double c = zones.maxCelsius().orElse(Double.NaN);
    long now = clock.monotonicNs();
    synchronized (this) {
      PlausibilityFilter.Verdict v = filter.judge(reference, c, now);
      reference = PlausibilityFilter.next(reference, v);
      if (v instanceof PlausibilityFilter.Verdict.Rejected r) {
        rejectedReadings.incrementAndGet();
        LOG.warn("{}: ignored thermal-zone reading {} C: {}", deviceId, r.temperatureC(), r.reason());
        return new Reading(null, null);
      }
    }
    return new Reading(c, PowerSource.METERED);
  }

  /** Switches the mode (the thermal model is advanced under the old mode first); arms the CAP watchdog. */
  public synchronized Applied setMode(SensorMode next, String farId, String farEndpoint) {
    advance();
    SensorMode previous = mode;
    if (next == SensorMode.FAR) {
      if (farId == null || farEndpoint == null || farEndpoint.isBlank()) {
        throw new IllegalArgumentException("farDeviceId and farUrl are required for mode far");
      }
      farDeviceId = farId;
      farUrl = farEndpoint;
    }
    if (next == SensorMode.CAP && previous != SensorMode.CAP) beforeCap = previous;
    mode = next;
    long generation = ++modeGeneration;
    if (next == SensorMode.CAP) {
      timer.schedule(() -> watchdog(generation), settings.capWatchdog().toNanos(), TimeUnit.NANOSECONDS);
    }
    return new Applied(mode, previous, thermal.junctionC(), farDeviceId, farUrl);
  }

  private synchronized void watchdog(long generation) {
    if (generation != modeGeneration || mode != SensorMode.CAP) return;
    advance();
    SensorMode back = beforeCap == null || beforeCap == SensorMode.CAP ? SensorMode.NSP : beforeCap;
    if (back == SensorMode.FAR && farUrl == null) back = SensorMode.NSP;
    mode = back;
    modeGeneration++;
    watchdogReverts.incrementAndGet();
    LOG.warn("event: {} CAP watchdog: no SetMode for {} ms; back to {}", deviceId, settings.capWatchdog().toMillis(), back.wireName());
  }

  /**
   * Sets the environment: ambient temperature (the RC model keeps its current temperatures and relaxes toward the new
   * ambient) and scene lighting in (0, 1] (darker scenes, analog gain 1 / lighting on the noise). Either may be null.
   * There is no wire message for this yet: it arrives as {@code SetMode(mode = "env", farUrl = "ambientC=35&lighting=0.8")}.
   */
  public synchronized Map<String, Object> setEnvironment(Double ambientC, Double lightingLevel) {
    advance();
    if (ambientC != null) {
      if (!Double.isFinite(ambientC) || ambientC < -40 || ambientC > 85) {
        throw new IllegalArgumentException("ambientC must be in [-40, 85], was " + ambientC);
      }
      thermal = thermal.withAmbientC(ambientC);
    }
    if (lightingLevel != null) {
      if (!(lightingLevel > 0 && lightingLevel <= 1)) throw new IllegalArgumentException("lighting must be in (0, 1], was " + lightingLevel);
      lighting = lightingLevel;
      source = new FrameSource(settings.frames().withLighting(lightingLevel));
    }
    Map<String, Object> applied = new LinkedHashMap<>();
    applied.put("ambientC", thermal.params().ambientC());
    applied.put("lighting", lighting);
    applied.put("temperatureC", thermal.junctionC());
    return applied;
  }

  /** Parses the {@code farUrl} of an environment SetMode: {@code ambientC=35&lighting=0.8} (either key optional). */
  public static Map<String, Double> parseEnvironment(String query) {
    if (query == null || query.isBlank()) throw new IllegalArgumentException("farUrl: expected ambientC=..&lighting=.., was empty");
    Map<String, Double> out = new LinkedHashMap<>();
    for (String part : query.split("&")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2 || !(kv[0].equals("ambientC") || kv[0].equals("lighting"))) {
        throw new IllegalArgumentException("farUrl: expected ambientC=..&lighting=.., got '" + part + "'");
      }
      try {
        out.put(kv[0], Double.parseDouble(kv[1]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("farUrl: " + kv[0] + " is not a number: '" + kv[1] + "'");
      }
    }
    return out;
  }

  private void advance() {
    long now = clock.monotonicNs();
    long dt = now - thermalAtMono;
    if (dt > 0) thermal = thermal.step(settings.power().heatingW(mode, settings.fps()), dt);
    thermalAtMono = Math.max(thermalAtMono, now);
  }

  private record Snapshot(SensorMode mode, double temperatureC, String farDeviceId, String farUrl, FrameSource source, double gain) {}

  private synchronized Snapshot snapshot() {
    advance();
    return new Snapshot(mode, thermal.junctionC(), farDeviceId, farUrl, source, 1.0 / lighting);
  }

  /** Captures and processes frame {@code c.inputSeed()} in the current mode; never throws. */
  public InferenceResult frame(InferenceCommand c, long receivedMonoNs, long deadlineMonoNs) {
    long startEpoch = clock.epochNs();
    long startMono = clock.monotonicNs();
    Snapshot s = snapshot();
    Reading before = temperature();   // the capture instant: before any processing of this frame
    long index = c.inputSeed();
    Frame clean = s.source().frame(index);
    double senseC = before.temperatureC() != null ? before.temperatureC() : s.temperatureC();
    Frame noisy = noise.apply(clean, senseC, s.gain(), new SplittableRandom(settings.frames().seed() * 0x9E3779B97F4A7C15L ^ index));
    double psnr = Fidelity.psnrDb(clean, noisy);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("psnrDb", psnr);
    metrics.put("modeCode", (double) s.mode().ordinal());
    metrics.put("captureTemperatureC", senseC);
    double fps = settings.fps();
    double nodeW = settings.power().nodeW(s.mode());
    double transferW = s.mode() == SensorMode.FAR ? settings.power().transferW(fps) : 0;
    double farW = s.mode() == SensorMode.FAR ? settings.power().farProcessingW(fps) : 0;
    metrics.put("nodePowerW", nodeW);
    metrics.put("transferPowerW", transferW);
    metrics.put("farPowerW", farW);
    double energyJ = (nodeW + transferW) / fps;
    String executedOn = deviceId;
    double computeMs = 0;
    Double networkMs = null;
    String digest = null;
    Long sent = null;
    Long received = null;
    float[] noisyOut = null;
    float[] input = null;
    try {
      if (s.mode() == SensorMode.NSP) {
        input = Frames.toModelInput(noisy);
        InferenceOutput out = engine.run(c.model(), Precision.FP32, input, 1);
        noisyOut = out.values();
        computeMs = out.computeMs();
        digest = out.digest();
      } else if (s.mode() == SensorMode.FAR) {
        input = Frames.toModelInput(noisy);
        Duration timeout = Duration.ofNanos(Math.max(1_000_000L, deadlineMonoNs - clock.monotonicNs()));
        OffloadPort.OffloadResponse r = offload.infer(new OffloadPort.OffloadRequest(s.farUrl(), c.model(), Precision.FP32, 1, deviceId,
            c.correlationId(), input), timeout);
        if (r instanceof NotComputed no) {
          return result(c, no.outcome(), "frame " + index + " to " + s.farDeviceId() + " at " + s.farUrl() + ": " + no.reason(),
              s.farDeviceId(), receivedMonoNs, startEpoch, startMono, 0, null, null, energyJ, no.bytesSent(), null, end(metrics));
        }
        Computed ok = (Computed) r;
        noisyOut = ok.output();
        computeMs = ok.peerComputeMs();
        networkMs = Math.max(0, ok.roundTripMs() - ok.peerComputeMs());
        digest = ok.digest();
        executedOn = ok.executedOn();
        sent = ok.bytesSent();
        received = ok.bytesReceived();
      }
    } catch (InferenceException | RuntimeException e) {
      LOG.warn("{}: frame {} in {} failed: {}", c.correlationId(), index, s.mode().wireName(), e.toString());
      return result(c, Outcome.FAILED, "frame " + index + " in " + s.mode().wireName() + " failed: " + e.getMessage(), deviceId,
          receivedMonoNs, startEpoch, startMono, 0, null, null, energyJ, null, null, end(metrics));
    }
    long endMono = clock.monotonicNs();
    end(metrics);
    frames.incrementAndGet();
    InferenceResult r = new InferenceResult(SchemaVersion.CURRENT, deviceId, clock.epochNs(), c.correlationId(), c.model(), c.target(),
        Precision.FP32, executedOn, 1, Outcome.OK, null, Math.max(0, (endMono - receivedMonoNs) / 1e6), computeMs, networkMs,
        startEpoch, startEpoch + (endMono - startMono), digest, energyJ, PowerSource.MODELLED, sent, received, metrics);
    if (noisyOut != null) {
      // The clean reference is a measurement artefact (a real node has no clean frame): after the measured window.
      try {
        float[] cleanOut = engine.run(c.model(), Precision.FP32, Frames.toModelInput(clean), 1).values();
        int classes = noisyOut.length;
        r = r.withMetrics(Map.of("agreement", Fidelity.top1Agreement(cleanOut, noisyOut, classes)));
      } catch (InferenceException | RuntimeException e) {
        LOG.warn("{}: clean reference of frame {} failed, no agreement: {}", c.correlationId(), index, e.toString());
      }
    }
    LOG.debug("{}: frame {} {} T={} psnr={}", c.correlationId(), index, s.mode().wireName(),
        String.format(Locale.ROOT, "%.1f", metrics.get("temperatureC")), String.format(Locale.ROOT, "%.1f", psnr));
    return r;
  }

  /** Adds the temperature at the end of the frame. */
  private Map<String, Double> end(Map<String, Double> metrics) {
    Reading after = temperature();
    if (after.temperatureC() != null) metrics.put("temperatureC", after.temperatureC());
    return metrics;
  }

  private InferenceResult result(InferenceCommand c, Outcome outcome, String error, String executedOn, long receivedMonoNs, long startEpoch,
      long startMono, double computeMs, Double networkMs, String digest, double energyJ, Long sent, Long received, Map<String, Double> metrics) {
    long endMono = clock.monotonicNs();
    return new InferenceResult(SchemaVersion.CURRENT, deviceId, clock.epochNs(), c.correlationId(), c.model(), c.target(), Precision.FP32,
        executedOn, 1, outcome, error, Math.max(0, (endMono - receivedMonoNs) / 1e6), computeMs, networkMs, startEpoch,
        startEpoch + (endMono - startMono), digest, energyJ, PowerSource.MODELLED, sent, received, metrics);
  }
}
