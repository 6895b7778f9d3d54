package io.testbed.experiments.recsched;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.loadgen.querysize.QuerySizeProblem;
import io.testbed.experiments.loadgen.querysize.QuerySizeSpec;
import io.testbed.experiments.spec.ParsedSpec;
import io.testbed.experiments.spec.SpecJson;
import io.testbed.experiments.spec.SpecProblem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates a {@link RecSchedSpec} document: every problem at once, each naming its field path
 * ({@code grid.minQps}, {@code policies[1]}); unknown fields are rejected so typos are caught.
 */
public final class RecSchedSpecParser {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern ROWS = Pattern.compile("uniform|power-law(:[0-9]+(\\.[0-9]+)?)?");
  private static final Set<String> FIELDS = Set.of("name", "type", "servers", "models", "slaMs", "querySize",
      "rowDistribution", "policies", "smallBatchSize", "batchSizes", "offloadThresholds", "grid", "windowQueries",
      "holdBand", "maxWindows", "maxDurationMs", "medianOfLast", "confirmWindows", "queryTimeoutMs", "balancer", "sweep",
      "warmup", "rounds", "seed");
  private static final Set<String> GRID_FIELDS = Set.of("minQps", "maxQps", "stepsPerDecade", "startQps");
  private static final Set<String> SWEEP_FIELDS = Set.of("batchSizes");

  private RecSchedSpecParser() {}


  /** Whether a JSON document declares {@code "type": "recsched"} (so it is parsed here, not as an inference spec). */
  public static boolean isRecSched(String json) { return SpecJson.declaresType(json, RecSchedSpec.TYPE); }

  public static ParsedSpec<RecSchedSpec> parse(String json) {
    List<SpecProblem> unreadable = new ArrayList<>();
    JsonNode tree = SpecJson.readTree(json, unreadable);
    return tree == null ? new ParsedSpec<>(null, unreadable) : parse(tree);
  }

  public static ParsedSpec<RecSchedSpec> parse(JsonNode tree) {
    List<SpecProblem> p = new ArrayList<>();
    if (!tree.isObject()) return new ParsedSpec<>(null, List.of(new SpecProblem("$", "must be a JSON object")));
    unknown(tree, FIELDS, "", p);
    JsonNode name = tree.get("name");
    if (name == null || !name.isTextual() || name.asText().isBlank()) p.add(new SpecProblem("name", "required, a non-blank string"));
    else if (name.asText().length() > 100) p.add(new SpecProblem("name", "at most 100 characters"));
    if (!RecSchedSpec.TYPE.equals(tree.path("type").asText(null))) p.add(new SpecProblem("type", "must be \"recsched\""));
    List<String> servers = ids(tree.get("servers"), "servers", true, p);
    List<String> models = ids(tree.get("models"), "models", true, p);
    JsonNode sla = tree.get("slaMs");
    if (sla != null) {
      if (!sla.isObject()) p.add(new SpecProblem("slaMs", "must be an object {model: milliseconds}"));
      else sla.fields().forEachRemaining(e -> {
        if (models != null && !models.contains(e.getKey())) p.add(new SpecProblem("slaMs." + e.getKey(), "not one of models " + models));
        if (!e.getValue().isNumber() || e.getValue().asDouble() <= 0) p.add(new SpecProblem("slaMs." + e.getKey(), "must be a number > 0"));
      });
    }
    JsonNode qs = tree.get("querySize");
    if (qs != null) {
      for (QuerySizeProblem q : QuerySizeSpec.parse(qs, "querySize").problems()) p.add(new SpecProblem(q.path(), q.message()));
    }
    JsonNode rows = tree.get("rowDistribution");
    if (rows != null && (!rows.isTextual() || !ROWS.matcher(rows.asText()).matches())) {
      p.add(new SpecProblem("rowDistribution", "must be \"uniform\", \"power-law\" or \"power-law:<alpha>\""));
    }
    JsonNode pol = tree.get("policies");
    if (pol != null) {
      if (!pol.isArray() || pol.isEmpty()) p.add(new SpecProblem("policies", "must be a non-empty list of " + RecSchedSpec.POLICIES));
      else {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < pol.size(); i++) {
          String v = pol.get(i).asText("");
          if (!RecSchedSpec.POLICIES.contains(v)) p.add(new SpecProblem("policies[" + i + "]", "must be one of " + RecSchedSpec.POLICIES + ", was '" + v + "'"));
          else if (!seen.add(v)) p.add(new SpecProblem("policies[" + i + "]", "'" + v + "' listed twice"));
        }
      }
    }
    intIn(tree.get("smallBatchSize"), "smallBatchSize", 1, RecSchedSpec.MAX_ITEMS, p);
    intList(tree.get("batchSizes"), "batchSizes", 1, RecSchedSpec.MAX_ITEMS, false, p);
    intList(tree.get("offloadThresholds"), "offloadThresholds", 1, RecSchedSpec.MAX_ITEMS + 1, true, p);
    JsonNode grid = tree.get("grid");
    if (grid != null) {
      if (!grid.isObject()) p.add(new SpecProblem("grid", "must be an object"));
      else {
        unknown(grid, GRID_FIELDS, "grid.", p);
        positive(grid.get("minQps"), "grid.minQps", p);
        positive(grid.get("maxQps"), "grid.maxQps", p);
        positive(grid.get("startQps"), "grid.startQps", p);
        intIn(grid.get("stepsPerDecade"), "grid.stepsPerDecade", 1, 1000, p);
        if (grid.path("minQps").isNumber() && grid.path("maxQps").isNumber()
            && grid.path("maxQps").asDouble() <= grid.path("minQps").asDouble()) {
          p.add(new SpecProblem("grid.maxQps", "must be greater than grid.minQps"));
        }
      }
    }
    intIn(tree.get("windowQueries"), "windowQueries", 2, 100_000, p);
    JsonNode band = tree.get("holdBand");
    if (band != null && (!band.isNumber() || band.asDouble() < 0 || band.asDouble() >= 1)) {
      p.add(new SpecProblem("holdBand", "must be a fraction in [0, 1) (0.1 = 10%)"));
    }
    intIn(tree.get("maxWindows"), "maxWindows", 1, 1_000_000, p);
    longMin(tree.get("maxDurationMs"), "maxDurationMs", 0, p);
    intIn(tree.get("medianOfLast"), "medianOfLast", 1, 10_000, p);
    intIn(tree.get("confirmWindows"), "confirmWindows", 0, 10_000, p);
    longMin(tree.get("queryTimeoutMs"), "queryTimeoutMs", 1, p);
    JsonNode bal = tree.get("balancer");
    if (bal != null && !RecSchedSpec.BALANCERS.contains(bal.asText(""))) p.add(new SpecProblem("balancer", "must be one of " + RecSchedSpec.BALANCERS));
    JsonNode sweep = tree.get("sweep");
    if (sweep != null) {
      if (!sweep.isObject()) p.add(new SpecProblem("sweep", "must be an object"));
      else {
        unknown(sweep, SWEEP_FIELDS, "sweep.", p);
        if (sweep.get("batchSizes") == null) p.add(new SpecProblem("sweep.batchSizes", "required"));
        intList(sweep.get("batchSizes"), "sweep.batchSizes", 1, RecSchedSpec.MAX_ITEMS, false, p);
      }
    }
    intIn(tree.get("warmup"), "warmup", 0, 100_000, p);
    intIn(tree.get("rounds"), "rounds", 1, 100, p);
    JsonNode seed = tree.get("seed");
    if (seed != null && !seed.canConvertToLong()) p.add(new SpecProblem("seed", "must be an integer"));
    if (!p.isEmpty()) return new ParsedSpec<>(null, p);
    try {
      return new ParsedSpec<>(SpecJson.mapper().treeToValue(tree, RecSchedSpec.class), List.of());
    } catch (JsonProcessingException e) {
      return new ParsedSpec<>(null, List.of(new SpecProblem("$", e.getOriginalMessage())));
    }
  }

  private static void unknown(JsonNode node, Set<String> allowed, String prefix, List<SpecProblem> p) {
    node.fieldNames().forEachRemaining(f -> {
      if (!allowed.contains(f)) p.add(new SpecProblem(prefix + f, "unknown field"));
    });
  }

  private static List<String> ids(JsonNode n, String path, boolean required, List<SpecProblem> p) {
    if (n == null) {
      if (required) p.add(new SpecProblem(path, "required, a non-empty list of ids"));
      return null;
    }
    if (!n.isArray() || n.isEmpty()) {
      p.add(new SpecProblem(path, "must be a non-empty list of ids"));
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      String v = n.get(i).isTextual() ? n.get(i).asText() : "";
      if (!ID.matcher(v).matches()) p.add(new SpecProblem(path + "[" + i + "]", "must be an id [A-Za-z0-9._-]+"));
      else if (out.contains(v)) p.add(new SpecProblem(path + "[" + i + "]", "'" + v + "' listed twice"));
      else out.add(v);
    }
    return out;
  }

  private static void intIn(JsonNode n, String path, int min, int max, List<SpecProblem> p) {
    if (n != null && (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max)) {
      p.add(new SpecProblem(path, "must be an integer in [" + min + ", " + max + "]"));
    }
  }

  private static void longMin(JsonNode n, String path, long min, List<SpecProblem> p) {
    if (n != null && (!n.isIntegralNumber() || n.asLong() < min)) p.add(new SpecProblem(path, "must be an integer >= " + min));
  }

  private static void positive(JsonNode n, String path, List<SpecProblem> p) {
    if (n != null && (!n.isNumber() || n.asDouble() <= 0)) p.add(new SpecProblem(path, "must be a number > 0"));
  }

  private static void intList(JsonNode n, String path, int min, int max, boolean mayBeEmpty, List<SpecProblem> p) {
    if (n == null) return;
    if (!n.isArray() || (!mayBeEmpty && n.isEmpty())) {
      p.add(new SpecProblem(path, "must be a " + (mayBeEmpty ? "" : "non-empty ") + "list of integers in [" + min + ", " + max + "]"));
      return;
    }
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode v = n.get(i);
      if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
        p.add(new SpecProblem(path + "[" + i + "]", "must be an integer in [" + min + ", " + max + "]"));
      } else if (!seen.add(v.asLong())) {
        p.add(new SpecProblem(path + "[" + i + "]", v.asLong() + " listed twice"));
      }
    }
  }
}
