package io.testbed.experiments.calibration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A power-model calibration (issue 6, {@code "type": "calibration"}): on one device, every (model, target) pair runs
 * at each load level (share of time the target is busy, as a duty cycle) for {@code stepMs}; each step's mean power
 * from the device's own model and from its bound meter is compared, and {@code P = idle + k_target x utilisation} is
 * fitted to the metered figures by least squares.
 *
 * @param targets per model, the targets it runs on (in spec order)
 * @param levels utilisation levels in [0, 1]; 0 is one idle step (run first), the others run per (model, target)
 * @param stepMs measured length of each step; {@code settleMs} runs before it at the same level, unmeasured
 * @param meter the meter to compare with; null: the one bound to the device
 * @param queryTimeoutMs device-side timeout of each inference
 */
public record CalibrationSpec(
    String name,
    String device,
    List<String> models,
    Map<String, List<String>> targets,
    List<Double> levels,
    long stepMs,
    long settleMs,
    String meter,
    int batchSize,
    long queryTimeoutMs,
    long seed) {
  public static final String TYPE = "calibration";
  public static final List<Double> DEFAULT_LEVELS = List.of(0.0, 0.25, 0.5, 1.0);
  public static final long DEFAULT_STEP_MS = 5000;
  public static final long DEFAULT_SETTLE_MS = 1000;
  public static final long MAX_STEP_MS = 50_000; // within the orchestrator's meter ring horizon (60 s)
  public static final long DEFAULT_QUERY_TIMEOUT_MS = 30_000;

  public CalibrationSpec {
    models = List.copyOf(models);
    Map<String, List<String>> t = new LinkedHashMap<>();
    targets.forEach((k, v) -> t.put(k, List.copyOf(v)));
    targets = java.util.Collections.unmodifiableMap(t);
    levels = List.copyOf(levels);
  }

  /** One step of the plan; {@code model} and {@code target} are null for the idle step. */
  public record Step(int index, String model, String target, double level) {
    public boolean idle() { return level == 0; }

    public String label() {
      return idle() ? "idle" : model + "/" + target + "@" + Math.round(level * 100) + "%";
    }
  }

  /** The steps in run order: the idle step (when 0 is a level), then per model, per target, each non-zero level. */
  public List<Step> steps() {
    List<Step> out = new ArrayList<>();
    if (levels.stream().anyMatch(l -> l == 0)) out.add(new Step(out.size() + 1, null, null, 0));
    for (String m : models) {
      for (String t : targets.get(m)) {
        for (double l : levels) if (l > 0) out.add(new Step(out.size() + 1, m, t, l));
      }
    }
    return out;
  }

  /** Every target of the spec, in first-use order. */
  public List<String> allTargets() {
    List<String> out = new ArrayList<>();
    for (String m : models) for (String t : targets.get(m)) if (!out.contains(t)) out.add(t);
    return out;
  }
}
