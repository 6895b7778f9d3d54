package io.testbed.agent.config;

import io.testbed.protocol.Precision;
import io.testbed.protocol.TargetKind;
import java.util.List;

/**
 * One execution target of a device profile, as configured under {@code testbed.agent.profiles.<name>.targets}.
 *
 * @param speedFactor throughput relative to the device's own CPU at its highest DVFS level
 * @param modelled true when the hardware is not present here: real inference on the host, time scaled, power modelled
 * @param dvfsLevelsMHz frequency levels, lowest first; empty when the target is not scalable
 * @param busyW whole-device power while this target is busy, one figure per DVFS level (one when not scalable)
 */
public record TargetProfile(
    String id,
    TargetKind kind,
    Precision precision,
    double speedFactor,
    boolean modelled,
    List<Integer> dvfsLevelsMHz,
    List<Double> busyW) {
  public TargetProfile {
    io.testbed.protocol.Topics.requireSegment(id);
    if (kind == null) throw new IllegalArgumentException("target " + id + ": kind is required");
    if (precision == null) throw new IllegalArgumentException("target " + id + ": precision is required");
    if (!(speedFactor > 0) || Double.isInfinite(speedFactor)) {
      throw new IllegalArgumentException("target " + id + ": speed-factor must be > 0, was " + speedFactor);
    }
    dvfsLevelsMHz = List.copyOf(dvfsLevelsMHz);
    busyW = List.copyOf(busyW);
    for (int i = 0; i < dvfsLevelsMHz.size(); i++) {
      if (dvfsLevelsMHz.get(i) <= 0 || (i > 0 && dvfsLevelsMHz.get(i) <= dvfsLevelsMHz.get(i - 1))) {
        throw new IllegalArgumentException("target " + id + ": dvfs-levels-mhz must be positive and ascending, was " + dvfsLevelsMHz);
      }
    }
    int expected = Math.max(1, dvfsLevelsMHz.size());
    if (busyW.size() != expected) {
      throw new IllegalArgumentException(
          "target " + id + ": busy-w needs " + expected + " figure(s) (one per DVFS level), has " + busyW.size());
    }
    for (double w : busyW) {
      if (!(w >= 0) || Double.isInfinite(w)) throw new IllegalArgumentException("target " + id + ": busy-w must be >= 0, was " + w);
    }
  }

  public boolean scalable() { return !dvfsLevelsMHz.isEmpty(); }

  /** Highest DVFS level, or null when not scalable. */
  public Integer maxLevelMHz() { return scalable() ? dvfsLevelsMHz.get(dvfsLevelsMHz.size() - 1) : null; }

  /** True when {@code levelMHz} is null (meaning the highest) or one of the levels. */
  public boolean offersLevel(Integer levelMHz) {
    return levelMHz == null || dvfsLevelsMHz.contains(levelMHz);
  }

  /** f / fmax for a level (1.0 for null or when not scalable). */
  public double levelFraction(Integer levelMHz) {
    if (levelMHz == null || !scalable()) return 1.0;
    return levelMHz / (double) maxLevelMHz();
  }

  /** Whole-device busy power at a level (null = highest). */
  public double busyW(Integer levelMHz) {
    if (!scalable() || levelMHz == null) return busyW.get(busyW.size() - 1);
    int i = dvfsLevelsMHz.indexOf(levelMHz);
    if (i < 0) throw new IllegalArgumentException("target " + id + " has no DVFS level " + levelMHz + " MHz " + dvfsLevelsMHz);
    return busyW.get(i);
  }
}
