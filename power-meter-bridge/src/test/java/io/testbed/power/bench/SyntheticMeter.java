package io.testbed.power.bench;

import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A buffered high-rate meter for the bench: each poll returns every sample due since the last, at exact nominal timestamps. */
final class SyntheticMeter implements MeterAdapter {
  private final MeterInfo info;
  private final TimeSource time;
  private final long periodNs;
  private long next = -1;
  private long k;

  SyntheticMeter(String id, double rateHz, TimeSource time) {
    this.info = new MeterInfo(id, "bench-device", PowerSource.METERED, rateHz, 0.0001);
    this.time = time;
    this.periodNs = Math.round(1e9 / rateHz);
  }

  @Override
  public MeterInfo info() { return info; }

  @Override
  public Duration pollInterval() { return Duration.ofMillis(10); }

  @Override
  public void start() {
    if (next < 0) next = time.epochNanos();
  }

  @Override
  public List<PowerSample> poll() {
    long now = time.epochNanos();
    List<PowerSample> out = new ArrayList<>();
    while (next <= now) {
      out.add(new PowerSample(next, 2.0 + Math.sin(k++ * 0.01), 5.0, null));
      next += periodNs;
    }
    return out;
  }

  @Override
  public void close() {}
}
