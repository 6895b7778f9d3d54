package io.testbed.experiments.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.protocol.DeviceKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an experiment spec and reports every problem at once, each with its field path (for an HTTP 400). Works on
 * the JSON tree so that wrong types and unknown (misspelt) fields are reported too, not only bad values.
 */
public final class SpecValidator {
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]+");
  private static final List<String> ROOT_FIELDS = List.of("name", "type", "devices", "models", "precision", "policy",
      "scenario", "repetitions", "timeline", "qos", "onDeviceLoss");
  private static final List<String> DEVICE_FIELDS = List.of("id", "kind", "count");
  private static final List<String> POLICY_FIELDS = List.of("kind", "target", "offloadTo", "policies", "params");
  private static final List<String> SCENARIO_FIELDS = List.of("kind", "mode", "samplesPerQuery", "targetQps",
      "latencyBoundMs", "targetLatencyPercentile", "minDurationMs", "minQueryCount", "maxDurationMs", "maxQueryCount",
      "offlineSamples", "datasetSamples", "queryTimeoutMs", "maxFailedFraction", "earlyStopping", "confidence",
      "querySize");
  private static final List<String> REPETITION_FIELDS = List.of("count", "seeds", "baseSeed");
  private static final List<String> TIMELINE_FIELDS = List.of("atMs", "action", "device", "target", "params");
  private static final List<String> QOS_FIELDS = List.of("latencyMs", "accuracy");
  /** Upper bound on repetitions: a typo such as 1000000 should not queue a month of runs. */
  static final int MAX_REPETITIONS = 1000;

  private final List<SpecProblem> problems = new ArrayList<>();

  private SpecValidator() {}

  /** Validates a record built in code (it is checked through its JSON form, so the rules are the same). */
  public static List<SpecProblem> validate(ExperimentSpec spec) {
    if (spec == null) return List.of(new SpecProblem("$", "spec is required"));
    return validate(SpecJson.toTree(spec));
  }

  /** Validates a parsed JSON document; an empty list means the spec is good. */
  public static List<SpecProblem> validate(JsonNode root) {
    SpecValidator v = new SpecValidator();
    v.root(root);
    return List.copyOf(v.problems);
  }

  private void root(JsonNode root) {
    if (root == null || !root.isObject()) {
      problem("$", "must be a JSON object");
      return;
    }
    unknownFields(root, "", ROOT_FIELDS);
    String name = text(root, "", "name", true);
    if (name != null && name.length() > 100) problem("name", "must be at most 100 characters");
    String type = text(root, "", "type", true);
    if (type != null && !ExperimentSpec.TYPES.contains(type)) {
      problem("type", "unknown type '" + type + "' (allowed: " + String.join("|", ExperimentSpec.TYPES) + ")");
    }
    devices(root.get("devices"));
    models(root.get("models"));
    String precision = text(root, "", "precision", false);
    if (precision != null && !precision.equals("fp32") && !precision.equals("int8")) {
      problem("precision", "must be fp32|int8, was '" + precision + "'");
    }
    policy(root.get("policy"));
    AutoScaleSpecRules.validate(root, problems);
    Long maxDurationMs = scenario(root.get("scenario"));
    repetitions(root.get("repetitions"));
    timeline(root.get("timeline"), maxDurationMs);
    qos(root.get("qos"));
    String loss = text(root, "", "onDeviceLoss", false);
    if (loss != null && !loss.equals("continue") && !loss.equals("abort")) {
      problem("onDeviceLoss", "must be continue|abort, was '" + loss + "'");
    }
  }

  private void devices(JsonNode devices) {
    if (absent(devices)) {
      problem("devices", "is required (a non-empty list of {id} or {kind, count})");
      return;
    }
    if (!devices.isArray()) {
      problem("devices", "must be a list");
      return;
    }
    if (devices.isEmpty()) problem("devices", "must not be empty");
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < devices.size(); i++) {
      String path = "devices[" + i + "]";
      JsonNode d = devices.get(i);
      if (!d.isObject()) {
        problem(path, "must be an object {id} or {kind, count}");
        continue;
      }
      unknownFields(d, path, DEVICE_FIELDS);
      boolean hasId = !absent(d.get("id"));
      boolean hasKind = !absent(d.get("kind"));
      if (hasId == hasKind) {
        problem(path, "give either id or kind, not " + (hasId ? "both" : "neither"));
      }
      String id = token(d, path, "id", false);
      if (id != null) {
        Integer first = seen.putIfAbsent(id, i);
        if (first != null) problem(path + ".id", "duplicate device '" + id + "' (also devices[" + first + "])");
      }
      String kind = text(d, path, "kind", false);
      if (kind != null) {
        try {
          DeviceKind.fromWire(kind);
        } catch (IllegalArgumentException e) {
          problem(path + ".kind", e.getMessage());
        }
      }
      Long count = integer(d, path, "count", false);
      if (count != null) {
        if (count < 1) problem(path + ".count", "must be >= 1");
        if (hasId) problem(path + ".count", "only applies with kind");
      }
    }
  }

  private void models(JsonNode models) {
    if (absent(models)) {
      problem("models", "is required (a non-empty list of model names)");
      return;
    }
    if (!models.isArray()) {
      problem("models", "must be a list of model names");
      return;
    }
    if (models.isEmpty()) problem("models", "must not be empty");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < models.size(); i++) {
      JsonNode m = models.get(i);
      String path = "models[" + i + "]";
      if (!m.isTextual() || m.asText().isBlank()) {
        problem(path, "must be a non-blank model name");
      } else if (!TOKEN.matcher(m.asText()).matches()) {
        problem(path, "must use only letters, digits, '.', '_' and '-'");
      } else if (!seen.add(m.asText())) {
        problem(path, "duplicate model '" + m.asText() + "'");
      }
    }
  }

  private void policy(JsonNode policy) {
    if (absent(policy)) {
      problem("policy", "is required, e.g. {\"kind\": \"fixed\", \"target\": \"cpu\"}");
      return;
    }
    if (!policy.isObject()) {
      problem("policy", "must be an object");
      return;
    }
    unknownFields(policy, "policy", POLICY_FIELDS);
    String kind = text(policy, "policy", "kind", true);
    if (kind != null && !PolicySpec.KINDS.contains(kind)) {
      problem("policy.kind", "unknown policy '" + kind + "' (allowed: " + String.join("|", PolicySpec.KINDS) + ")");
    }
    String target = token(policy, "policy", "target", "fixed".equals(kind));
    String offloadTo = token(policy, "policy", "offloadTo", false);
    if (PolicySpec.OFFLOAD.equals(target) && offloadTo == null && absent(policy.get("offloadTo"))) {
      problem("policy.offloadTo", "is required when target is offload");
    }
    if (offloadTo != null && target != null && !PolicySpec.OFFLOAD.equals(target)) {
      problem("policy.offloadTo", "only applies when target is offload");
    }
  }

  /** Returns scenario.maxDurationMs when valid, for the timeline check. */
  private Long scenario(JsonNode s) {
    if (absent(s)) {
      problem("scenario", "is required, e.g. {\"kind\": \"SingleStream\"}");
      return null;
    }
    if (!s.isObject()) {
      problem("scenario", "must be an object");
      return null;
    }
    String p = "scenario";
    unknownFields(s, p, SCENARIO_FIELDS);
    String kindName = text(s, p, "kind", true);
    Scenario kind = null;
    if (kindName != null) {
      kind = Scenario.fromName(kindName).orElse(null);
      if (kind == null) problem("scenario.kind", "unknown scenario '" + kindName + "' (allowed: " + Scenario.names() + ")");
    }
    String mode = text(s, p, "mode", false);
    if (mode != null && !mode.equals("performance") && !mode.equals("accuracy")) {
      problem("scenario.mode", "must be performance|accuracy, was '" + mode + "'");
    }
    Long samplesPerQuery = atLeast(s, p, "samplesPerQuery", 1);
    Double targetQps = positive(s, p, "targetQps");
    Double latencyBoundMs = positive(s, p, "latencyBoundMs");
    Double percentile = number(s, p, "targetLatencyPercentile", false);
    if (percentile != null && !(percentile > 0 && percentile < 1)) {
      problem("scenario.targetLatencyPercentile", "must be > 0 and < 1");
    }
    Long minDurationMs = atLeast(s, p, "minDurationMs", 0);
    Long minQueryCount = atLeast(s, p, "minQueryCount", 1);
    Long maxDurationMs = atLeast(s, p, "maxDurationMs", 1);
    Long maxQueryCount = atLeast(s, p, "maxQueryCount", 1);
    if (minDurationMs != null && maxDurationMs != null && maxDurationMs < minDurationMs) {
      problem("scenario.maxDurationMs", "must be >= minDurationMs (" + minDurationMs + ")");
    }
    if (minQueryCount != null && maxQueryCount != null && maxQueryCount < minQueryCount) {
      problem("scenario.maxQueryCount", "must be >= minQueryCount (" + minQueryCount + ")");
    }
    Long offlineSamples = atLeast(s, p, "offlineSamples", 1);
    atLeast(s, p, "datasetSamples", 1);
    atLeast(s, p, "queryTimeoutMs", 1);
    Double maxFailed = number(s, p, "maxFailedFraction", false);
    if (maxFailed != null && !(maxFailed >= 0 && maxFailed <= 1)) problem("scenario.maxFailedFraction", "must be in [0, 1]");
    bool(s, p, "earlyStopping");
    Double confidence = number(s, p, "confidence", false);
    if (confidence != null && !(confidence > 0 && confidence < 1)) problem("scenario.confidence", "must be > 0 and < 1");

    if (kind != null) {
      String k = kind.mlperfName();
      if (kind != Scenario.SERVER && targetQps != null) problem("scenario.targetQps", "only applies to Server, not " + k);
      if (kind != Scenario.OFFLINE && offlineSamples != null) {
        problem("scenario.offlineSamples", "only applies to Offline, not " + k);
      }
      JsonNode querySize = s.get("querySize");
      if (querySize != null && !querySize.isNull()) {
        if (kind != Scenario.SERVER) problem("scenario.querySize", "only applies to Server, not " + k);
        io.testbed.experiments.loadgen.querysize.QuerySizeSpec.parse(querySize, "scenario.querySize").problems()
            .forEach(q -> problem(q.path(), q.message()));
      }
      switch (kind) {
        case SERVER -> {
          if (absent(s.get("targetQps"))) problem("scenario.targetQps", "is required for Server (must be > 0)");
          if (absent(s.get("latencyBoundMs"))) problem("scenario.latencyBoundMs", "is required for Server (must be > 0)");
          if (samplesPerQuery != null && samplesPerQuery != 1) problem("scenario.samplesPerQuery", "must be 1 for Server");
        }
        case SINGLE_STREAM -> {
          if (samplesPerQuery != null && samplesPerQuery != 1) {
            problem("scenario.samplesPerQuery", "must be 1 for SingleStream (use MultiStream for more)");
          }
        }
        case OFFLINE -> {
          if (samplesPerQuery != null) problem("scenario.samplesPerQuery", "does not apply to Offline (use offlineSamples)");
          if (latencyBoundMs != null) problem("scenario.latencyBoundMs", "does not apply to Offline");
        }
        case MULTI_STREAM -> { }
      }
    }
    return maxDurationMs;
  }

  private void repetitions(JsonNode r) {
    if (absent(r)) return;
    if (!r.isObject()) {
      problem("repetitions", "must be an object");
      return;
    }
    unknownFields(r, "repetitions", REPETITION_FIELDS);
    Long count = atLeast(r, "repetitions", "count", 1);
    if (count != null && count > MAX_REPETITIONS) problem("repetitions.count", "must be <= " + MAX_REPETITIONS);
    JsonNode seeds = r.get("seeds");
    integer(r, "repetitions", "baseSeed", false);
    if (!absent(seeds)) {
      if (!seeds.isArray()) {
        problem("repetitions.seeds", "must be a list of integers");
      } else {
        if (seeds.isEmpty()) problem("repetitions.seeds", "must not be empty");
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < seeds.size(); i++) {
          JsonNode seed = seeds.get(i);
          if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
            problem("repetitions.seeds[" + i + "]", "must be an integer");
          } else if (!seen.add(seed.asLong())) {
            problem("repetitions.seeds[" + i + "]", "duplicate seed " + seed.asLong());
          }
        }
        if (count != null && count != seeds.size()) {
          problem("repetitions.count", "is " + count + " but " + seeds.size() + " seeds are given");
        }
        if (seeds.size() > MAX_REPETITIONS) problem("repetitions.seeds", "at most " + MAX_REPETITIONS + " seeds");
      }
      if (!absent(r.get("baseSeed"))) problem("repetitions.baseSeed", "give seeds or baseSeed, not both");
    }
  }

  private void timeline(JsonNode t, Long maxDurationMs) {
    if (absent(t)) return;
    if (!t.isArray()) {
      problem("timeline", "must be a list of events");
      return;
    }
    for (int i = 0; i < t.size(); i++) {
      String path = "timeline[" + i + "]";
      JsonNode e = t.get(i);
      if (!e.isObject()) {
        problem(path, "must be an object {atMs, action, ...}");
        continue;
      }
      unknownFields(e, path, TIMELINE_FIELDS);
      Long atMs = integer(e, path, "atMs", true);
      if (atMs != null && atMs < 0) problem(path + ".atMs", "must be >= 0");
      if (atMs != null && maxDurationMs != null && atMs > maxDurationMs) {
        problem(path + ".atMs", "is after scenario.maxDurationMs (" + maxDurationMs + "): it would never fire");
      }
      text(e, path, "action", true);
      token(e, path, "device", false);
      text(e, path, "target", false);
      JsonNode params = e.get("params");
      if (!absent(params) && !params.isObject()) problem(path + ".params", "must be an object");
      TimelineControls.validate(path, e, problems);
    }
  }

  private void qos(JsonNode q) {
    if (absent(q)) return;
    if (!q.isObject()) {
      problem("qos", "must be an object");
      return;
    }
    unknownFields(q, "qos", QOS_FIELDS);
    positive(q, "qos", "latencyMs");
    Double accuracy = number(q, "qos", "accuracy", false);
    if (accuracy != null && !(accuracy >= 0 && accuracy <= 1)) problem("qos.accuracy", "must be in [0, 1]");
  }

  // ---- field helpers: each reports its own type problem and returns null when absent or wrong ----

  private static boolean absent(JsonNode n) { return n == null || n.isNull() || n.isMissingNode(); }

  private static String join(String parent, String field) { return parent.isEmpty() ? field : parent + "." + field; }

  private void problem(String path, String message) { problems.add(new SpecProblem(path, message)); }

  private void unknownFields(JsonNode node, String path, List<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) problem(join(path, f), "unknown field (allowed: " + String.join(", ", allowed) + ")");
    }
  }

  private String text(JsonNode node, String parent, String field, boolean required) {
    JsonNode v = node.get(field);
    String path = join(parent, field);
    if (absent(v)) {
      if (required) problem(path, "is required");
      return null;
    }
    if (!v.isTextual()) {
      problem(path, "must be a string");
      return null;
    }
    if (v.asText().isBlank()) {
      problem(path, "must not be blank");
      return null;
    }
    return v.asText();
  }

  private String token(JsonNode node, String parent, String field, boolean required) {
    String s = text(node, parent, field, required);
    if (s != null && !TOKEN.matcher(s).matches()) {
      problem(join(parent, field), "must use only letters, digits, '.', '_' and '-', was '" + s + "'");
      return null;
    }
    return s;
  }

  private Long integer(JsonNode node, String parent, String field, boolean required) {
    JsonNode v = node.get(field);
    String path = join(parent, field);
    if (absent(v)) {
      if (required) problem(path, "is required");
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      problem(path, "must be an integer");
      return null;
    }
    return v.asLong();
  }

  private Long atLeast(JsonNode node, String parent, String field, long min) {
    Long v = integer(node, parent, field, false);
    if (v != null && v < min) {
      problem(join(parent, field), "must be >= " + min);
      return null;
    }
    return v;
  }

  private Double number(JsonNode node, String parent, String field, boolean required) {
    JsonNode v = node.get(field);
    String path = join(parent, field);
    if (absent(v)) {
      if (required) problem(path, "is required");
      return null;
    }
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
      problem(path, "must be a number");
      return null;
    }
    return v.asDouble();
  }

  private Double positive(JsonNode node, String parent, String field) {
    Double v = number(node, parent, field, false);
    if (v != null && !(v > 0)) {
      problem(join(parent, field), "must be > 0");
      return null;
    }
    return v;
  }

  private void bool(JsonNode node, String parent, String field) {
    JsonNode v = node.get(field);
    if (!absent(v) && !v.isBoolean()) problem(join(parent, field), "must be true or false");
  }
}
