package io.testbed.orchestrator.policy.energy;

import io.testbed.orchestrator.policy.clock.ClockSync;
import io.testbed.protocol.PowerSample;
import java.util.List;
import java.util.Locale;

/**
 * Mean power of a stream of samples over a window on the orchestrator's clock (a calibration step): the samples are
 * mapped with their source's {@link ClockSync.Estimate}, integrated piecewise-linearly ({@link EnergyIntegrator}) and
 * divided by the window's length. Pure.
 *
 * @param meanW mean power, null when there are no samples
 * @param samplesInWindow samples whose corrected timestamp falls in the window
 * @param covered whether the samples reach both ends of the window (else the edge samples were held: see the note)
 * @param note what was assumed; empty when the window was covered
 */
public record WindowPower(Double meanW, int samplesInWindow, boolean covered, String note) {

  /**
   * @param samples the source's samples on its own clock, strictly increasing
   * @param clock the source's clock estimate; null: its timestamps are taken as the orchestrator's
   */
  public static WindowPower of(List<PowerSample> samples, ClockSync.Estimate clock, long fromNs, long toNs) {
    if (toNs <= fromNs) throw new IllegalArgumentException("window end must be after start: [" + fromNs + ", " + toNs + "]");
    List<PowerSample> s = clock == null ? samples : MeteredEnergy.correct(samples, clock);
    if (s.isEmpty()) return new WindowPower(null, 0, false, "no samples");
    int in = 0;
    for (PowerSample p : s) if (p.timestampNs() >= fromNs && p.timestampNs() <= toNs) in++;
    if (in == 0) {
      return new WindowPower(null, 0, false, String.format(Locale.ROOT, "no samples in the %.3f s window", (toNs - fromNs) / 1e9));
    }
    double joules = EnergyIntegrator.integrateJ(s, fromNs, toNs);
    boolean covered = s.get(0).timestampNs() <= fromNs && s.get(s.size() - 1).timestampNs() >= toNs;
    String note = covered ? "" : "samples do not cover the whole window: edge samples held";
    return new WindowPower(joules / ((toNs - fromNs) / 1e9), in, covered, note);
  }
}
