package io.testbed.agent.exec;

import io.testbed.agent.config.DeviceProfile;
import io.testbed.agent.config.TargetProfile;
import io.testbed.agent.port.AgentClock;
import io.testbed.agent.port.CpuCap;
import io.testbed.agent.port.OffloadPort;
import io.testbed.agent.port.OffloadPort.Computed;
import io.testbed.agent.port.OffloadPort.NotComputed;
import io.testbed.agent.port.OffloadPort.OffloadRequest;
import io.testbed.agent.port.OffloadPort.OffloadResponse;
import io.testbed.agent.power.ActivityLog;
import io.testbed.agent.power.PowerModel;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.InferenceException;
import io.testbed.inference.InferenceOutput;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.SchemaVersion;
import io.testbed.agent.network.LinkConditions;
import io.testbed.agent.network.NetworkState;
import io.testbed.agent.port.CpuFrequency;
import io.testbed.agent.port.EnergyMeter;
import io.testbed.agent.port.NetworkShaper;
import io.testbed.agent.power.RadioEnergyModel;
import io.testbed.inference.Agreement;
import io.testbed.protocol.Precision;
import io.testbed.protocol.TargetKind;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one validated command on the worker thread: locally with ONNX Runtime (under the target's CPU cap, modelled
 * targets time-scaled) or offloaded to a peer over HTTP, and turns the outcome into an {@link InferenceResult} with
 * modelled energy.
 */
public final class CommandExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(CommandExecutor.class);

  private final String deviceId;
  private final DeviceProfile profile;
  private final boolean emulated;
  private final InferenceEngine engine;
  private final CpuCap cap;
  private final ActivityLog activity;
  private final PowerModel power;
  private final OffloadPort offload;
  private final AgentClock clock;
  private final NetworkState network;
  private final NetworkShaper shaper;
  private final RadioEnergyModel radio;
  private final CpuFrequency cpuFrequency;
  private final int agreementEvery;
  private final EnergyMeter meter;
  private final AtomicLong int8Commands = new AtomicLong();
  private final Map<ReferenceKey, float[]> references = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ReferenceKey, float[]> eldest) { return size() > 256; }
  };

  /**
   * The AutoScale parts of execution: the offload links' state and shaper, the radio energy model, real DVFS on real
   * devices, and how often int8 commands get their FP32 agreement measured (every Nth; 0 = never).
   */
  public record Autoscale(NetworkState network, NetworkShaper shaper, RadioEnergyModel radio, CpuFrequency cpuFrequency, int agreementEvery,
      EnergyMeter meter) {
    public Autoscale(NetworkState network, NetworkShaper shaper, RadioEnergyModel radio, CpuFrequency cpuFrequency, int agreementEvery) {
      this(network, shaper, radio, cpuFrequency, agreementEvery, EnergyMeter.NONE);
    }
  }

  private record ReferenceKey(String model, long seed, int batchSize) {}

  public CommandExecutor(
      String deviceId,
      DeviceProfile profile,
      boolean emulated,
      InferenceEngine engine,
      CpuCap cap,
      ActivityLog activity,
      OffloadPort offload,
      AgentClock clock,
      Autoscale autoscale) {
    this.deviceId = deviceId;
    this.profile = profile;
    this.emulated = emulated;
    this.engine = engine;
    this.cap = cap;
    this.activity = activity;
    this.power = PowerModel.of(profile);
    this.offload = offload;
    this.clock = clock;
    this.network = autoscale.network();
    this.shaper = autoscale.shaper();
    this.radio = autoscale.radio();
    this.cpuFrequency = autoscale.cpuFrequency();
    this.agreementEvery = autoscale.agreementEvery();
    this.meter = autoscale.meter();
  }

  /**
   * Executes {@code c}, received at {@code receivedMonoNs}; padding sleeps and the offload wait never run past
   * {@code deadlineMonoNs}.
   */
  public InferenceResult execute(InferenceCommand c, long receivedMonoNs, long deadlineMonoNs) {
    return c.offloaded() ? offload(c, receivedMonoNs, deadlineMonoNs) : local(c, receivedMonoNs, deadlineMonoNs);
  }

  /** Share of a host core the run of {@code t} at {@code level} should get, and the speed the target models. */
  double targetSpeed(TargetProfile t, Integer levelMHz) {
    return profile.relativeSpeed(t) * t.levelFraction(levelMHz);
  }

  /**
   * The command's synthetic input. Its generation is a testbed artefact (a real pipeline already has its camera frame
   * or feature vector), so its time is left out of the latency, the execution window and the energy: the receipt
   * time is shifted by it.
   */
  private record Prepared(float[] input, long receivedMonoNs) {}

  private Prepared prepare(InferenceCommand c, long receivedMonoNs) {
    long t0 = clock.monotonicNs();
    float[] input = InferenceEngine.syntheticInput(engine.zoo().model(c.model()), c.batchSize(), c.inputSeed());
    return new Prepared(input, receivedMonoNs + (clock.monotonicNs() - t0));
  }

  private InferenceResult local(InferenceCommand c, long receivedMonoNs, long deadlineMonoNs) {
    TargetProfile t = profile.target(c.target()).orElseThrow();
    Prepared in;
    try {
      in = prepare(c, receivedMonoNs);
    } catch (RuntimeException e) {
      long now = clock.monotonicNs();
      return failed(c, Outcome.FAILED, "cannot build the input: " + e.getMessage(), deviceId, receivedMonoNs, clock.epochNs(), now, now, null, null);
    }
    double targetSpeed = targetSpeed(t, c.dvfsLevelMHz());
    double runSpeed;
    boolean realDvfs = !emulated && t.kind() == TargetKind.CPU && t.scalable() && cpuFrequency.available()
        && cpuFrequency.setMHz(c.dvfsLevelMHz() != null ? c.dvfsLevelMHz() : t.maxLevelMHz());
    if (realDvfs) {
      runSpeed = targetSpeed; // the clock really is at the level: nothing to pad
    } else if (cap.enforced()) {
      runSpeed = Math.min(1.0, targetSpeed);
      cap.setShare(runSpeed);
    } else {
      // Emulated without a cap: the run had the whole host core. Real device: the run happened on its own CPU.
      runSpeed = emulated ? 1.0 : Math.min(1.0, profile.cpuShare());
    }
    double busyW = power.busyW(t, c.dvfsLevelMHz());
    long startEpoch = clock.epochNs();
    long startMono = clock.monotonicNs();
    ActivityLog.Activity act = activity.begin(busyW, startMono);
    try {
      InferenceOutput out = engine.run(c.model(), c.precision(), in.input(), c.batchSize());
      TargetTiming timing = TargetTiming.plan(out.computeMs(), runSpeed, targetSpeed);
      if (timing.padMs() > 0) sleepUntilAtMost(clock.monotonicNs() + (long) (timing.padMs() * 1e6), deadlineMonoNs);
      if (timing.fasterThanHost()) {
        LOG.debug("{}: target {} models {}x a host core; reporting the measured {} ms", c.correlationId(), t.id(), targetSpeed, out.computeMs());
      }
      long endMono = clock.monotonicNs();
      act.end(endMono);
      double executionMs = (endMono - startMono) / 1e6;
      double energyJ = power.localEnergyJ(busyW, timing.computeMs(), executionMs);
      OptionalDouble metered = meter.energyJ(startMono, endMono);
      return new InferenceResult(SchemaVersion.CURRENT, deviceId, clock.epochNs(), c.correlationId(), c.model(), c.target(),
          c.precision(), deviceId, c.batchSize(), Outcome.OK, null, ms(endMono - in.receivedMonoNs()), timing.computeMs(), null,
          startEpoch, startEpoch + (endMono - startMono), out.digest(), metered.orElse(energyJ),
          metered.isPresent() ? PowerSource.METERED : PowerSource.MODELLED, null, null, null)
          .withMetrics(agreement(c, in.input(), out.values()));
    } catch (InferenceException | RuntimeException e) {
      long endMono = clock.monotonicNs();
      act.end(endMono);
      LOG.warn("{}: inference of {} on {} failed: {}", c.correlationId(), c.model(), t.id(), e.toString());
      return failed(c, Outcome.FAILED, "inference failed: " + e.getMessage(), deviceId, in.receivedMonoNs(), startEpoch, startMono, endMono,
          power.localEnergyJ(busyW, 0, ms(endMono - startMono)), null);
    } finally {
      if (cap.enforced()) cap.setShare(Math.min(1.0, profile.cpuShare()));
      if (realDvfs) cpuFrequency.setMHz(t.maxLevelMHz());
    }
  }

  private InferenceResult offload(InferenceCommand c, long receivedAtNs, long deadlineMonoNs) {
    Prepared in;
    try {
      in = prepare(c, receivedAtNs);
    } catch (RuntimeException e) {
      long now = clock.monotonicNs();
      return failed(c, Outcome.FAILED, "cannot build the input: " + e.getMessage(), c.offloadDeviceId(), receivedAtNs, clock.epochNs(), now, now,
          null, null);
    }
    long receivedMonoNs = in.receivedMonoNs();
    float[] input = in.input();
    long startEpoch = clock.epochNs();
    long startMono = clock.monotonicNs();
    // The meter sees the wait at idle-wait power; energyJ below splits it into transmit, receive and wait.
    ActivityLog.Activity act = activity.begin(power.radio().idleWaitW(), startMono);
    try {
      Duration timeout = Duration.ofNanos(Math.max(1_000_000L, deadlineMonoNs - clock.monotonicNs()));
      LinkConditions link = network.link(c.offloadDeviceId());
      String url = shaper.route(c.offloadDeviceId(), c.offloadUrl(), link);
      OffloadResponse r = offload.infer(
          new OffloadRequest(url, c.model(), c.precision(), c.batchSize(), deviceId, c.correlationId(), input), timeout);
      long endMono = clock.monotonicNs();
      act.end(endMono);
      if (r instanceof Computed ok) {
        double networkMs = Math.max(0, ok.roundTripMs() - ok.peerComputeMs());
        double total = (double) ok.bytesSent() + ok.bytesReceived();
        double upMs = networkMs * (total > 0 ? ok.bytesSent() / total : 0.5);
        RadioEnergyModel.OffloadEnergy e = radio.offload(new RadioEnergyModel.Transfer(link.technology(), link.rssiDbm(), upMs, networkMs - upMs,
            ok.bytesSent(), ok.bytesReceived(), ok.peerComputeMs(), startMono, endMono));
        OptionalDouble metered = meter.energyJ(startMono, endMono);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("radioEnergyJ", e.radioJ());
        metrics.put("tailEnergyJ", e.tailJ());
        metrics.put("linkRateMbps", link.rateMbps());
        metrics.put("linkDelayMs", link.delayMs());
        if (link.rssiDbm() != null) metrics.put("rssiDbm", link.rssiDbm());
        if (c.precision() == Precision.INT8 && ok.output() != null) metrics.putAll(agreement(c, input, ok.output()));
        return new InferenceResult(SchemaVersion.CURRENT, deviceId, clock.epochNs(), c.correlationId(), c.model(), c.target(),
            c.precision(), ok.executedOn(), c.batchSize(), Outcome.OK, null, ms(endMono - receivedMonoNs), ok.peerComputeMs(), networkMs,
            startEpoch, startEpoch + (endMono - startMono), ok.digest(), metered.orElse(e.totalJ()),
            metered.isPresent() ? PowerSource.METERED : PowerSource.MODELLED, ok.bytesSent(), ok.bytesReceived(), metrics);
      }
      NotComputed no = (NotComputed) r;
      if (!url.equals(c.offloadUrl())) {
        String why = shaper.lastError(c.offloadDeviceId());
        no = new NotComputed(no.outcome(), "offload to " + c.offloadDeviceId() + " at " + c.offloadUrl() + " through the " + shaper.kind() + " shaper: "
            + (why.isEmpty() ? no.reason() : "peer unreachable: " + why), no.bytesSent(), no.roundTripMs());
      }
      LOG.warn("{}: offload to {} ({}) {}: {}", c.correlationId(), c.offloadDeviceId(), c.offloadUrl(), no.outcome().wireName(), no.reason());
      return failed(c, no.outcome(), no.reason(), c.offloadDeviceId(), receivedMonoNs, startEpoch, startMono, endMono,
          power.radio().idleWaitW() * no.roundTripMs() / 1000.0, no.bytesSent());
    } catch (RuntimeException e) {
      long endMono = clock.monotonicNs();
      act.end(endMono);
      return failed(c, Outcome.FAILED, "offload failed: " + e, c.offloadDeviceId(), receivedMonoNs, startEpoch, startMono, endMono, null, null);
    }
  }

  /**
   * INT8 accuracy as agreement with FP32: for every Nth int8 command, the FP32 graph runs on the same input (after the
   * measured window, so neither latency nor energy includes it; its output is cached by model, seed and batch) and
   * the share of samples with the same top-1 class is reported as {@code agreement}.
   */
  Map<String, Double> agreement(InferenceCommand c, float[] input, float[] int8Output) {
    if (c.precision() != Precision.INT8 || agreementEvery <= 0) return Map.of();
    if (int8Commands.getAndIncrement() % agreementEvery != 0) return Map.of();
    if (!engine.zoo().model(c.model()).precisions().contains(Precision.FP32)) return Map.of();
    try {
      ReferenceKey key = new ReferenceKey(c.model(), c.inputSeed(), c.batchSize());
      float[] reference;
      synchronized (references) {
        reference = references.get(key);
      }
      if (reference == null) {
        reference = engine.run(c.model(), Precision.FP32, input, c.batchSize()).values();
        synchronized (references) {
          references.put(key, reference);
        }
      }
      return Map.of("agreement", Agreement.top1(int8Output, reference, c.batchSize()));
    } catch (InferenceException | RuntimeException e) {
      LOG.warn("{}: FP32 reference of {} failed, no agreement reported: {}", c.correlationId(), c.model(), e.toString());
      return Map.of();
    }
  }

  private InferenceResult failed(InferenceCommand c, Outcome outcome, String error, String executedOn, long receivedMonoNs, long startEpoch,
      long startMono, long endMono, Double energyJ, Long bytesSent) {
    return new InferenceResult(SchemaVersion.CURRENT, deviceId, clock.epochNs(), c.correlationId(), c.model(), c.target(), c.precision(),
        executedOn, c.batchSize(), outcome, error == null || error.isBlank() ? outcome.wireName() : error, ms(endMono - receivedMonoNs), 0,
        null, startEpoch, startEpoch + (endMono - startMono), null, energyJ, energyJ == null ? null : PowerSource.MODELLED, bytesSent, null);
  }

  private void sleepUntilAtMost(long untilMonoNs, long deadlineMonoNs) {
    long left = Math.min(untilMonoNs, deadlineMonoNs) - clock.monotonicNs();
    if (left <= 0) return;
    try {
      TimeUnit.NANOSECONDS.sleep(left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double ms(long ns) { return Math.max(0, ns / 1e6); }
}
