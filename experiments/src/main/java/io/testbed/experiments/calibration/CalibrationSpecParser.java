package io.testbed.experiments.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.spec.ParsedSpec;
import io.testbed.experiments.spec.SpecJson;
import io.testbed.experiments.spec.SpecProblem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates a {@link CalibrationSpec} document ({@code schema/calibration-spec.schema.json}): every problem
 * at once, each naming its field path ({@code levels[2]}, {@code targets.mobilenet}); unknown fields are rejected.
 */
public final class CalibrationSpecParser {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Set<String> FIELDS = Set.of("name", "type", "device", "models", "targets", "levels", "stepMs",
      "settleMs", "meter", "batchSize", "queryTimeoutMs", "seed");

  private CalibrationSpecParser() {}


  /** Whether a JSON document declares {@code "type": "calibration"}. */
  public static boolean isCalibration(String json) { return SpecJson.declaresType(json, CalibrationSpec.TYPE); }

  public static ParsedSpec<CalibrationSpec> parse(String json) {
    List<SpecProblem> unreadable = new ArrayList<>();
    JsonNode tree = SpecJson.readTree(json, unreadable);
    return tree == null ? new ParsedSpec<>(null, unreadable) : parse(tree);
  }

  public static ParsedSpec<CalibrationSpec> parse(JsonNode tree) {
    List<SpecProblem> p = new ArrayList<>();
    if (!tree.isObject()) return new ParsedSpec<>(null, List.of(new SpecProblem("$", "must be a JSON object")));
    for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) p.add(new SpecProblem(f, "unknown field (known: " + new java.util.TreeSet<>(FIELDS) + ")"));
    }
    JsonNode name = tree.get("name");
    if (name == null || !name.isTextual() || name.asText().isBlank()) p.add(new SpecProblem("name", "required, a non-blank string"));
    else if (name.asText().length() > 100) p.add(new SpecProblem("name", "at most 100 characters"));
    if (!CalibrationSpec.TYPE.equals(tree.path("type").asText(null))) p.add(new SpecProblem("type", "must be \"calibration\""));
    String device = id(tree.get("device"), "device", true, p);
    List<String> models = new ArrayList<>();
    JsonNode ms = tree.get("models");
    if (ms == null || !ms.isArray() || ms.isEmpty()) p.add(new SpecProblem("models", "required, a non-empty list of model names"));
    else {
      for (int i = 0; i < ms.size(); i++) {
        String m = id(ms.get(i), "models[" + i + "]", true, p);
        if (m != null && models.contains(m)) p.add(new SpecProblem("models[" + i + "]", "'" + m + "' listed twice"));
        else if (m != null) models.add(m);
      }
    }
    Map<String, List<String>> targets = new LinkedHashMap<>();
    JsonNode ts = tree.get("targets");
    if (ts == null || ts.isNull()) {
      p.add(new SpecProblem("targets", "required: a list of target ids (every model on each) or {model: [targets]}"));
    } else if (ts.isArray()) {
      List<String> list = targetList(ts, "targets", p);
      for (String m : models) targets.put(m, list);
    } else if (ts.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = ts.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!models.contains(e.getKey())) p.add(new SpecProblem("targets." + e.getKey(), "not one of models " + models));
        else if (!e.getValue().isArray()) p.add(new SpecProblem("targets." + e.getKey(), "must be a list of target ids"));
        else targets.put(e.getKey(), targetList(e.getValue(), "targets." + e.getKey(), p));
      }
      for (String m : models) {
        if (!ts.has(m)) p.add(new SpecProblem("targets." + m, "missing: every model needs its targets"));
      }
    } else {
      p.add(new SpecProblem("targets", "must be a list of target ids or an object {model: [targets]}"));
    }
    List<Double> levels = new ArrayList<>(CalibrationSpec.DEFAULT_LEVELS);
    JsonNode lv = tree.get("levels");
    if (lv != null) {
      levels.clear();
      if (!lv.isArray() || lv.isEmpty()) p.add(new SpecProblem("levels", "must be a non-empty list of utilisation fractions in [0, 1]"));
      else {
        for (int i = 0; i < lv.size(); i++) {
          JsonNode n = lv.get(i);
          if (!n.isNumber() || n.asDouble() < 0 || n.asDouble() > 1) {
            p.add(new SpecProblem("levels[" + i + "]", "must be a number in [0, 1] (0 = idle, 1 = back to back), was " + n));
          } else if (levels.contains(n.asDouble())) {
            p.add(new SpecProblem("levels[" + i + "]", n.asDouble() + " listed twice"));
          } else {
            levels.add(n.asDouble());
          }
        }
      }
    }
    long stepMs = longIn(tree.get("stepMs"), "stepMs", 200, CalibrationSpec.MAX_STEP_MS, CalibrationSpec.DEFAULT_STEP_MS, p);
    long settleMs = longIn(tree.get("settleMs"), "settleMs", 0, 60_000, CalibrationSpec.DEFAULT_SETTLE_MS, p);
    String meter = tree.has("meter") && !tree.get("meter").isNull() ? id(tree.get("meter"), "meter", false, p) : null;
    int batch = (int) longIn(tree.get("batchSize"), "batchSize", 1, 4096, 1, p);
    long timeout = longIn(tree.get("queryTimeoutMs"), "queryTimeoutMs", 1, 600_000, CalibrationSpec.DEFAULT_QUERY_TIMEOUT_MS, p);
    JsonNode seedNode = tree.get("seed");
    long seed = 1;
    if (seedNode != null) {
      if (!seedNode.canConvertToLong() || !seedNode.isIntegralNumber()) p.add(new SpecProblem("seed", "must be an integer"));
      else seed = seedNode.asLong();
    }
    if (p.isEmpty()) {
      // The fit has 1 + targets coefficients; its standard errors need more steps than that.
      CalibrationSpec spec = new CalibrationSpec(name.asText(), device, models, targets, levels, stepMs, settleMs, meter,
          batch, timeout, seed);
      int coefficients = 1 + spec.allTargets().size();
      int steps = spec.steps().size();
      if (steps <= coefficients) {
        p.add(new SpecProblem("levels", "the plan has " + steps + " step(s) for " + coefficients
            + " fitted coefficients (idle W and one k per target): add levels (e.g. 0, 0.25, 0.5, 1)"));
      } else if (levels.stream().filter(l -> l > 0).count() < 2 && levels.stream().noneMatch(l -> l == 0)) {
        p.add(new SpecProblem("levels", "needs 0 (idle) or two non-zero levels to separate idle W from k"));
      } else {
        return new ParsedSpec<>(spec, List.of());
      }
    }
    return new ParsedSpec<>(null, p);
  }

  private static List<String> targetList(JsonNode arr, String path, List<SpecProblem> p) {
    List<String> out = new ArrayList<>();
    if (arr.isEmpty()) p.add(new SpecProblem(path, "must name at least one target"));
    for (int i = 0; i < arr.size(); i++) {
      String t = id(arr.get(i), path + "[" + i + "]", true, p);
      if (t != null && "offload".equals(t)) p.add(new SpecProblem(path + "[" + i + "]", "offload has no device power model to calibrate"));
      else if (t != null && out.contains(t)) p.add(new SpecProblem(path + "[" + i + "]", "'" + t + "' listed twice"));
      else if (t != null) out.add(t);
    }
    return out;
  }

  private static String id(JsonNode n, String path, boolean required, List<SpecProblem> p) {
    if (n == null || n.isNull()) {
      if (required) p.add(new SpecProblem(path, "required"));
      return null;
    }
    if (!n.isTextual() || !ID.matcher(n.asText()).matches()) {
      p.add(new SpecProblem(path, "must be an id of letters, digits, '.', '_' or '-', was " + n));
      return null;
    }
    return n.asText();
  }

  private static long longIn(JsonNode n, String path, long min, long max, long dflt, List<SpecProblem> p) {
    if (n == null || n.isNull()) return dflt;
    if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
      p.add(new SpecProblem(path, "must be an integer in [" + min + ", " + max + "], was " + n));
      return dflt;
    }
    return n.asLong();
  }
}
