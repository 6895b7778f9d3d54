package io.testbed.power.pipeline;

import io.testbed.power.port.MeterInfo;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.SchemaVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects one meter's samples into {@link PowerSampleBatch}es: a batch is due when it holds {@code maxSamples} or
 * its oldest sample has waited {@code maxDelay} (monotonic time). Not thread-safe.
 */
public final class SampleBatcher {
  private final MeterInfo meter;
  private final long maxDelayNs;
  private final int maxSamples;
  private List<PowerSample> pending = new ArrayList<>();
  private long firstAddedMonoNs;

  public SampleBatcher(MeterInfo meter, Duration maxDelay, int maxSamples) {
    if (maxDelay.isNegative() || maxDelay.isZero()) throw new IllegalArgumentException("batch-interval must be > 0, was " + maxDelay);
    if (maxSamples < 1) throw new IllegalArgumentException("batch-max-samples must be >= 1, was " + maxSamples);
    this.meter = meter;
    this.maxDelayNs = maxDelay.toNanos();
    this.maxSamples = maxSamples;
  }

  public void add(PowerSample sample, long nowMonoNs) {
    if (pending.isEmpty()) firstAddedMonoNs = nowMonoNs;
    pending.add(sample);
  }

  public int size() { return pending.size(); }

  public boolean due(long nowMonoNs) {
    return pending.size() >= maxSamples || (!pending.isEmpty() && nowMonoNs - firstAddedMonoNs >= maxDelayNs);
  }

  /** Takes at most {@code maxSamples} pending samples as one batch stamped {@code nowEpochNs}; null when nothing is pending. */
  public PowerSampleBatch drain(long nowEpochNs, long nowMonoNs) {
    if (pending.isEmpty()) return null;
    List<PowerSample> out;
    if (pending.size() <= maxSamples) {
      out = pending;
      pending = new ArrayList<>();
    } else {
      out = new ArrayList<>(pending.subList(0, maxSamples));
      pending = new ArrayList<>(pending.subList(maxSamples, pending.size()));
      firstAddedMonoNs = nowMonoNs;
    }
    return new PowerSampleBatch(
        SchemaVersion.CURRENT, meter.deviceId(), nowEpochNs, meter.meterId(), meter.source(), meter.nominalRateHz(), out);
  }
}
