package io.testbed.agent.sensor;

/**
 * Judges temperature readings (a thermal zone, an emulated sensor) before anyone acts on them, immutable: rejects
 * non-finite values, values outside [{@code minC}, {@code maxC}] (default [-40, 150] C), and jumps from the last
 * accepted reading larger than physics allows in the elapsed time ({@link ThermalRcModel#maxChangeC} for the node's
 * largest power, plus {@code toleranceC} for sensor quantisation and noise). A rejected reading does not become the
 * new reference, so one garbage value cannot poison the next comparison.
 */
public record PlausibilityFilter(double minC, double maxC, ThermalRcModel.Params rc, double maxPowerW, double toleranceC) {
  public PlausibilityFilter {
    if (!(minC < maxC)) throw new IllegalArgumentException("minC must be < maxC, were " + minC + ", " + maxC);
    if (rc == null) throw new IllegalArgumentException("rc parameters are required");
    if (!(maxPowerW > 0) || !Double.isFinite(maxPowerW)) throw new IllegalArgumentException("maxPowerW must be > 0, was " + maxPowerW);
    if (!(toleranceC >= 0) || !Double.isFinite(toleranceC)) throw new IllegalArgumentException("toleranceC must be >= 0, was " + toleranceC);
  }

  /** [-40, 150] C, the RC model's physics at {@code maxPowerW}, 2 C tolerance. */
  public static PlausibilityFilter defaults(ThermalRcModel.Params rc, double maxPowerW) {
    return new PlausibilityFilter(-40, 150, rc, maxPowerW, 2.0);
  }

  /** The outcome of one judgement. */
  public sealed interface Verdict {
    /** The reading can be used; it is the new reference. */
    record Accepted(double temperatureC, long atNs) implements Verdict {}

    /** The reading must be ignored (and logged); {@code reason} says why. */
    record Rejected(double temperatureC, String reason) implements Verdict {}
  }

  /** The last accepted reading, or none yet. */
  public record Reference(double temperatureC, long atNs) {
    public static final Reference NONE = new Reference(Double.NaN, Long.MIN_VALUE);

    public boolean present() { return !Double.isNaN(temperatureC); }
  }

  /** Judges {@code temperatureC} read at {@code nowNs} against the last accepted reading. */
  public Verdict judge(Reference last, double temperatureC, long nowNs) {
    if (!Double.isFinite(temperatureC)) return new Verdict.Rejected(temperatureC, "not a number");
    if (temperatureC < minC || temperatureC > maxC) {
      return new Verdict.Rejected(temperatureC, "outside [" + minC + ", " + maxC + "] C");
    }
    if (last != null && last.present()) {
      long dtNs = nowNs - last.atNs();
      if (dtNs < 0) return new Verdict.Rejected(temperatureC, "older than the last accepted reading");
      double allowed = ThermalRcModel.maxChangeC(rc, maxPowerW, dtNs) + toleranceC;
      double jump = Math.abs(temperatureC - last.temperatureC());
      if (jump > allowed) {
        return new Verdict.Rejected(temperatureC, String.format(java.util.Locale.ROOT,
            "jump of %.1f C in %.3f s exceeds the physical bound %.1f C", jump, dtNs / 1e9, allowed));
      }
    }
    return new Verdict.Accepted(temperatureC, nowNs);
  }

  /** The reference after {@code verdict}: moved for an accepted reading, unchanged for a rejected one. */
  public static Reference next(Reference last, Verdict verdict) {
    return verdict instanceof Verdict.Accepted a ? new Reference(a.temperatureC(), a.atNs()) : last;
  }
}
