package io.testbed.experiments.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spec rules of AutoScale experiments (type {@code autoscale}, policy kinds {@link PolicySpec#AUTOSCALE_KINDS}):
 * which policy kinds go with which type, {@code policy.policies} and the ranges of {@code policy.params}.
 */
public final class AutoScaleSpecRules {
  private AutoScaleSpecRules() {}

  /** {@code policy.params} keys with their allowed ranges (inclusive unless noted in the message). */
  public static final Map<String, double[]> PARAM_RANGES = Map.ofEntries(
      Map.entry("alpha", new double[] {1e-9, 1}),
      Map.entry("gamma", new double[] {0, 0.999999}),
      Map.entry("epsilon", new double[] {0, 1}),
      Map.entry("epsilonDecay", new double[] {1e-9, 1}),
      Map.entry("epsilonMin", new double[] {0, 1}),
      Map.entry("initialQ", new double[] {-1e6, 1e6}),
      Map.entry("violationPenalty", new double[] {0, 1e6}),
      Map.entry("failurePenalty", new double[] {0, 1e6}),
      Map.entry("accuracyTarget", new double[] {0, 1}),
      Map.entry("fp32Accuracy", new double[] {0, 1}),
      Map.entry("int8Accuracy", new double[] {0, 1}),
      Map.entry("rssiWeakDbm", new double[] {-120, 0}),
      Map.entry("seed", new double[] {-9.2e18, 9.2e18}),
      Map.entry("profileRequests", new double[] {1, 1000}),
      Map.entry("controlTimeoutMs", new double[] {1, 60_000}),
      Map.entry("settleMs", new double[] {0, 60_000}));

  /** Boolean {@code policy.params} keys. */
  public static final List<String> FLAGS = List.of("maskAccuracyViolations", "persist");

  /** Whether the spec's policy is AutoScale or one of its baselines. */
  public static boolean autoscale(ExperimentSpec spec) {
    return spec.policy() != null && PolicySpec.AUTOSCALE_KINDS.contains(spec.policy().kind());
  }

  /** The policies an AutoScale run compares: {@code policy.policies}, else every kind for type autoscale, else the kind. */
  public static List<String> policies(ExperimentSpec spec) {
    if (spec.policy().policies() != null) return spec.policy().policies();
    if ("autoscale".equals(spec.type())) return PolicySpec.AUTOSCALE_KINDS;
    return List.of(spec.policy().kind());
  }

  static void validate(JsonNode root, List<SpecProblem> problems) {
    JsonNode policy = root.get("policy");
    if (policy == null || !policy.isObject()) return;
    String type = root.path("type").asText(null);
    String kind = policy.path("kind").asText(null);
    boolean asKind = kind != null && PolicySpec.AUTOSCALE_KINDS.contains(kind);
    if ("autoscale".equals(type) && kind != null && !asKind) {
      problems.add(new SpecProblem("policy.kind", "type autoscale needs one of " + String.join("|", PolicySpec.AUTOSCALE_KINDS)));
    }
    if (!"autoscale".equals(type) && ("best-static".equals(kind) || "oracle".equals(kind))) {
      problems.add(new SpecProblem("policy.kind", kind + " needs the exhaustive profile of type autoscale"));
    }
    if (asKind && policy.has("target")) problems.add(new SpecProblem("policy.target", "only applies to the fixed policy"));
    JsonNode policies = policy.get("policies");
    if (policies != null) {
      if (!"autoscale".equals(type)) problems.add(new SpecProblem("policy.policies", "only applies to type autoscale"));
      if (!policies.isArray() || policies.isEmpty()) {
        problems.add(new SpecProblem("policy.policies", "must be a non-empty list of " + String.join("|", PolicySpec.AUTOSCALE_KINDS)));
      } else {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < policies.size(); i++) {
          String p = policies.get(i).asText(null);
          if (p == null || !PolicySpec.AUTOSCALE_KINDS.contains(p)) {
            problems.add(new SpecProblem("policy.policies[" + i + "]", "unknown policy '" + policies.get(i).asText()
                + "' (allowed: " + String.join("|", PolicySpec.AUTOSCALE_KINDS) + ")"));
          } else if (!seen.add(p)) {
            problems.add(new SpecProblem("policy.policies[" + i + "]", "'" + p + "' is listed twice"));
          }
        }
      }
    }
    JsonNode params = policy.get("params");
    if (params == null) return;
    if (!asKind) problems.add(new SpecProblem("policy.params", "only applies to autoscale policies"));
    if (!params.isObject()) {
      problems.add(new SpecProblem("policy.params", "must be an object"));
      return;
    }
    for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      JsonNode v = params.get(f);
      double[] r = PARAM_RANGES.get(f);
      if (FLAGS.contains(f)) {
        if (!v.isBoolean()) problems.add(new SpecProblem("policy.params." + f, "must be true or false"));
      } else if (r == null) {
        problems.add(new SpecProblem("policy.params." + f, "unknown parameter (allowed: "
            + String.join(", ", new java.util.TreeSet<>(PARAM_RANGES.keySet())) + ", " + String.join(", ", FLAGS) + ")"));
      } else if (!v.isNumber() || !(v.asDouble() >= r[0] && v.asDouble() <= r[1])) {
        problems.add(new SpecProblem("policy.params." + f, (v.isNumber() ? v.asText() + " is out of range: " : "must be a number: ")
            + "allowed [" + fmt(r[0]) + ", " + fmt(r[1]) + "]"));
      }
    }
    if (params.has("epsilonMin") && params.has("epsilon") && params.get("epsilonMin").asDouble() > params.get("epsilon").asDouble()) {
      problems.add(new SpecProblem("policy.params.epsilonMin", "must be <= epsilon"));
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
