package io.testbed.power.adapter.model;

import com.typesafe.config.Config;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The power model as one more meter, for devices without a physical one: {@code idle + busy share x (busy - idle)} W.
 * Its batches say {@code modelled}, never {@code metered}.
 */
public final class ModelledMeter implements MeterAdapter {
  private final MeterInfo info;
  private final double idleW;
  private final double busyW;
  private final UtilisationSource utilisation;
  private final TimeSource time;

  public ModelledMeter(MeterInfo info, double idleW, double busyW, UtilisationSource utilisation, TimeSource time) {
    if (info.source() != PowerSource.MODELLED) throw new IllegalArgumentException("meter " + info.meterId() + ": a modelled meter must have source modelled");
    if (!(idleW >= 0) || !(busyW >= idleW)) throw new IllegalArgumentException("meter " + info.meterId() + ": need 0 <= idle-w <= busy-w, was " + idleW + ", " + busyW);
    this.info = info;
    this.idleW = idleW;
    this.busyW = busyW;
    this.utilisation = utilisation;
    this.time = time;
  }

  /** From a meter's config: {@code idle-w}, {@code busy-w}, {@code utilisation} ({@code proc-stat} with {@code proc-stat-path}, or {@code constant} with {@code constant-utilisation}). */
  public static ModelledMeter create(MeterInfo info, Config c, TimeSource time) {
    String kind = c.getString("utilisation").toLowerCase(Locale.ROOT);
    UtilisationSource u = switch (kind) {
      case "proc-stat" -> new ProcStatUtilisation(Path.of(c.getString("proc-stat-path")));
      case "constant" -> UtilisationSource.constant(c.getDouble("constant-utilisation"));
      default -> throw new IllegalArgumentException("meter " + info.meterId() + ": utilisation must be proc-stat or constant, was '" + kind + "'");
    };
    return new ModelledMeter(info, c.getDouble("idle-w"), c.getDouble("busy-w"), u, time);
  }

  @Override
  public MeterInfo info() { return info; }

  @Override
  public Duration pollInterval() { return Duration.ofNanos(Math.round(1e9 / info.nominalRateHz())); }

  @Override
  public void start() throws MeterException {
    utilisation.busyShare(); // primes interval-based sources and fails early when the source is unreadable
  }

  @Override
  public List<PowerSample> poll() throws MeterException {
    double share = utilisation.busyShare();
    if (!(share >= 0 && share <= 1)) throw new MeterException("utilisation outside [0, 1]: " + share);
    return List.of(new PowerSample(time.epochNanos(), idleW + share * (busyW - idleW), null, null));
  }

  @Override
  public void close() {}
}
