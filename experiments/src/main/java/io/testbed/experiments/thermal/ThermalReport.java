package io.testbed.experiments.thermal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-policy figures of a thermal experiment (SYSTEMS.md section 4): system power (node, transfer, far) and the
 * saving vs all-far, duty cycle, effective fps, fidelity distribution (frame PSNR p5/p50, capture PSNR, agreement),
 * time above threshold, maximum temperature, mode changes. Time-weighted quantities weight each frame by the time
 * until the next one (the last by one frame period).
 */
public record ThermalReport(String runId, ThermalSpec spec, List<PolicyFigures> policies) {

  /** One policy's figures over all its repetitions. */
  public record PolicyFigures(
      String policy,
      int frames,
      int failedFrames,
      double durationS,
      double nodePowerW,
      double transferPowerW,
      double farPowerW,
      double systemPowerW,
      Double savedVsAllFarPct,
      double nearDuty,
      double duty,
      double captureFps,
      double effectiveFps,
      double psnrP5Db,
      double psnrP50Db,
      Double capturePsnrMinDb,
      Double capturePsnrP50Db,
      int captures,
      double capturesMeetingTargetPct,
      Double agreementMean,
      double timeAboveThresholdS,
      double maxTemperatureC,
      double thresholdC,
      int modeChanges) {}

  /** Computes the figures of every policy in {@code spec.policies()} order. */
  public static ThermalReport of(String runId, ThermalSpec spec, List<ThermalFrame> frames, List<ModeChange> changes) {
    double period = 1.0 / spec.captureFps();
    List<PolicyFigures> out = new ArrayList<>();
    for (String policy : spec.policies()) {
      List<ThermalFrame> fs = frames.stream().filter(f -> f.policy().equals(policy)).toList();
      int n = fs.size();
      double total = 0, node = 0, transfer = 0, far = 0, near = 0, above = 0, maxT = Double.NEGATIVE_INFINITY, threshold = Double.NaN;
      int processed = 0, failed = 0, captures = 0, meeting = 0;
      List<Double> psnr = new ArrayList<>(), capturePsnr = new ArrayList<>();
      double agreementSum = 0;
      int agreementN = 0;
      for (int i = 0; i < n; i++) {
        ThermalFrame f = fs.get(i);
        ThermalFrame next = i + 1 < n ? fs.get(i + 1) : null;
        double dt = next != null && next.repetition() == f.repetition() && next.tNs() > f.tNs() ? (next.tNs() - f.tNs()) / 1e9 : period;
        if (!f.ok()) {
          failed++;
          continue;
        }
        total += dt;
        node += f.nodePowerW() * dt;
        transfer += f.transferPowerW() * dt;
        far += f.farPowerW() * dt;
        if ("nsp".equals(f.mode())) near += dt;
        if (f.temperatureC() > f.thresholdC()) above += dt;
        maxT = Math.max(maxT, f.temperatureC());
        threshold = f.thresholdC();
        if (f.processed()) processed++;
        psnr.add(f.psnrDb());
        if (f.capture()) {
          captures++;
          capturePsnr.add(f.psnrDb());
          if (f.psnrDb() >= spec.fidelityTargetDb()) meeting++;
        }
        if (f.agreement() != null) {
          agreementSum += f.agreement();
          agreementN++;
        }
      }
      int reps = Math.max(1, spec.repetitions());
      double seconds = total / reps;
      double t = Math.max(total, 1e-9);
      int changesN = (int) changes.stream().filter(c -> c.policy().equals(policy)).count();
      int okFrames = n - failed;
      out.add(new PolicyFigures(policy, n, failed, seconds, node / t, transfer / t, far / t, (node + transfer + far) / t, null,
          near / t, okFrames == 0 ? 0 : (double) processed / okFrames, total == 0 ? 0 : okFrames / total, total == 0 ? 0 : processed / total,
          percentile(psnr, 5), percentile(psnr, 50), capturePsnr.isEmpty() ? null : capturePsnr.stream().mapToDouble(d -> d).min().orElseThrow(),
          capturePsnr.isEmpty() ? null : percentile(capturePsnr, 50), captures, captures == 0 ? 0 : 100.0 * meeting / captures,
          agreementN == 0 ? null : agreementSum / agreementN, above / reps, maxT == Double.NEGATIVE_INFINITY ? Double.NaN : maxT, threshold,
          changesN));
    }
    PolicyFigures allFar = out.stream().filter(p -> p.policy().equals("all-far")).findFirst().orElse(null);
    if (allFar != null && allFar.systemPowerW() > 0) {
      List<PolicyFigures> withSaving = new ArrayList<>();
      for (PolicyFigures p : out) {
        withSaving.add(new PolicyFigures(p.policy(), p.frames(), p.failedFrames(), p.durationS(), p.nodePowerW(), p.transferPowerW(), p.farPowerW(),
            p.systemPowerW(), 100.0 * (allFar.systemPowerW() - p.systemPowerW()) / allFar.systemPowerW(), p.nearDuty(), p.duty(), p.captureFps(),
            p.effectiveFps(), p.psnrP5Db(), p.psnrP50Db(), p.capturePsnrMinDb(), p.capturePsnrP50Db(), p.captures(), p.capturesMeetingTargetPct(),
            p.agreementMean(), p.timeAboveThresholdS(), p.maxTemperatureC(), p.thresholdC(), p.modeChanges()));
      }
      out = withSaving;
    }
    return new ThermalReport(runId, spec, out);
  }

  /** Nearest-rank percentile; NaN when empty. */
  static double percentile(List<Double> values, double pct) {
    if (values.isEmpty()) return Double.NaN;
    double[] v = values.stream().mapToDouble(d -> d).toArray();
    Arrays.sort(v);
    int rank = (int) Math.ceil(pct / 100.0 * v.length);
    return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
  }

  /** The table printed by the CLI and written to {@code thermal-report.txt}. */
  public String table() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "thermal run %s: sensor node %s, far %s, %.0f fps, target %.1f dB, %.0f s per policy x %d%n",
        runId, spec.sensorNode(), spec.farDevice(), spec.captureFps(), spec.fidelityTargetDb(), spec.durationS(), spec.repetitions()));
    b.append("| policy | node W | transfer W | far W | system W | saved vs all-far | near duty | duty | fps | eff. fps | PSNR p5/p50 dB "
        + "| capture PSNR min/p50 dB | captures >= target | agreement | time > T_thr s | max T C | T_thr C | mode changes | failed |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (PolicyFigures p : policies) {
      b.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %s | %.3f | %.3f | %.1f | %.1f | %.1f / %.1f | %s | %.0f %% (%d) | %s | %.1f | %.1f | %.1f | %d | %d |%n",
          p.policy(), p.nodePowerW(), p.transferPowerW(), p.farPowerW(), p.systemPowerW(),
          p.savedVsAllFarPct() == null ? "-" : String.format(Locale.ROOT, "%.1f %%", p.savedVsAllFarPct()), p.nearDuty(), p.duty(), p.captureFps(),
          p.effectiveFps(), p.psnrP5Db(), p.psnrP50Db(),
          p.capturePsnrMinDb() == null ? "-" : String.format(Locale.ROOT, "%.1f / %.1f", p.capturePsnrMinDb(), p.capturePsnrP50Db()),
          p.capturesMeetingTargetPct(), p.captures(), p.agreementMean() == null ? "-" : String.format(Locale.ROOT, "%.3f", p.agreementMean()),
          p.timeAboveThresholdS(), p.maxTemperatureC(), p.thresholdC(), p.modeChanges(), p.failedFrames()));
    }
    b.append("Paper (Stagioni, SYSTEMS.md section 4): 22-53 % system power saved vs all-far. Powers are modelled (sensor power model).\n");
    return b.toString();
  }

  /** The report as a JSON-friendly map (for {@code thermal-report.json}). */
  public Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", runId);
    m.put("spec", spec);
    m.put("policies", policies);
    m.put("source", "modelled");
    return m;
  }
}
