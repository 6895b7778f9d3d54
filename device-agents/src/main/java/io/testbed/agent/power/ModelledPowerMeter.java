package io.testbed.agent.power;

import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.SchemaVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The device's modelled power meter (meter id {@code <deviceId>-model}, source {@code modelled}): at each tick it
 * samples the average power of the window since the previous tick from the {@link ActivityLog}; {@link #drain}
 * hands the samples gathered so far over as one batch. Driven by the agent's scheduler; not thread-safe on its own.
 */
public final class ModelledPowerMeter {
  private final String deviceId;
  private final String meterId;
  private final double sampleRateHz;
  private final double idleW;
  private final ActivityLog activity;
  private final List<PowerSample> pending = new ArrayList<>();
  private long lastMonoNs;

  public ModelledPowerMeter(String deviceId, double sampleRateHz, double idleW, ActivityLog activity, long startMonoNs) {
    this.deviceId = deviceId;
    this.meterId = meterId(deviceId);
    this.sampleRateHz = sampleRateHz;
    this.idleW = idleW;
    this.activity = activity;
    this.lastMonoNs = startMonoNs;
  }

  public static String meterId(String deviceId) { return deviceId + "-model"; }

  /** Takes one sample covering the time since the previous one, stamped with {@code epochNs}. */
  public synchronized PowerSample sample(long monoNs, long epochNs) {
    double w = activity.averagePowerW(lastMonoNs, monoNs, idleW);
    activity.prune(lastMonoNs);
    lastMonoNs = monoNs;
    PowerSample s = new PowerSample(epochNs, w, null, null);
    pending.add(s);
    return s;
  }

  /** The samples since the last drain as one batch, or empty when there are none. */
  public synchronized Optional<PowerSampleBatch> drain(long epochNs) {
    if (pending.isEmpty()) return Optional.empty();
    var batch = new PowerSampleBatch(SchemaVersion.CURRENT, deviceId, epochNs, meterId, PowerSource.MODELLED, sampleRateHz, pending);
    pending.clear();
    return Optional.of(batch);
  }
}
