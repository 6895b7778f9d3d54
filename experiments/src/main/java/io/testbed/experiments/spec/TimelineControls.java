package io.testbed.experiments.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The timeline actions the orchestrator injects into devices (AutoScale, SYSTEMS.md section 1): their parameters,
 * allowed ranges and schedules. {@code interference} sets a device's co-runner stressors ({@code cpuLevel},
 * {@code memoryLevel} in [0, 1]); {@code network} sets one offload link of a device ({@code link} = peer id or
 * {@code *}, {@code technology} wifi|lte, {@code rssiDbm}, {@code delayMs}, {@code jitterMs}, {@code rateMbps},
 * {@code lossPct}), once or as an orchestrator-sent {@code schedule} ({@code constant}, {@code steps},
 * {@code random-walk}, {@code markov}); Mahimahi {@code trace} replay runs on the device (agent
 * {@code network.schedules}). The ranges are the device agents' {@code network.limits}. Pure: the validator and the
 * orchestrator's injector both use it.
 */
public final class TimelineControls {
  private TimelineControls() {}

  public static final String INTERFERENCE = "interference";
  public static final String NETWORK = "network";

  /** An inclusive numeric range, for messages naming the allowed values. */
  public record Range(String name, double min, double max, String unit) {
    public boolean contains(double v) { return v >= min && v <= max; }

    public String describe() {
      return "allowed [" + fmt(min) + ", " + fmt(max) + "]" + (unit.isEmpty() ? "" : " " + unit);
    }
  }

  public static final List<Range> INTERFERENCE_RANGES = List.of(
      new Range("cpuLevel", 0, 1, ""), new Range("memoryLevel", 0, 1, ""));
  public static final List<Range> NETWORK_RANGES = List.of(
      new Range("rssiDbm", -120, 0, "dBm"), new Range("delayMs", 0, 10_000, "ms"), new Range("jitterMs", 0, 5_000, "ms"),
      new Range("rateMbps", 0.01, 1_000, "Mb/s"), new Range("lossPct", 0, 50, "%"));
  public static final List<String> TECHNOLOGIES = List.of("wifi", "lte");
  public static final List<String> SCHEDULES = List.of("constant", "steps", "random-walk", "markov");
  /** Upper bound on the steps a schedule may expand to (one SetNetwork each). */
  public static final int MAX_STEPS = 10_000;

  /** One network setting: the link and the values to set (null = unchanged). */
  public record NetworkSetting(String link, String technology, Double rssiDbm, Double delayMs, Double jitterMs,
      Double rateMbps, Double lossPct) {}

  /** One step of a network schedule: {@code afterMs} after the event fired, apply {@code setting}. */
  public record Step(long afterMs, NetworkSetting setting) {}

  /** The interference levels of an {@code interference} event (absent = 0). */
  public record Interference(double cpuLevel, double memoryLevel) {}

  /** Whether the orchestrator injects this action (others are recorded but not applied). */
  public static boolean injected(String action) {
    return INTERFERENCE.equals(action) || NETWORK.equals(action);
  }

  /** Checks an injected action's device and params; adds a problem per bad field (path {@code <path>.params.x}). */
  public static void validate(String path, JsonNode event, List<SpecProblem> problems) {
    String action = event.path("action").asText(null);
    if (!injected(action)) return;
    JsonNode params = event.get("params");
    if (params != null && !params.isNull() && !params.isObject()) return; // reported by the validator
    JsonNode device = event.get("device");
    if (device == null || device.isNull()) problems.add(new SpecProblem(path + ".device", "is required for " + action));
    if (params == null || params.isNull()) {
      problems.add(new SpecProblem(path + ".params", "is required for " + action));
      return;
    }
    String p = path + ".params";
    if (INTERFERENCE.equals(action)) {
      unknown(params, p, List.of("cpuLevel", "memoryLevel"), problems);
      if (!params.has("cpuLevel") && !params.has("memoryLevel")) {
        problems.add(new SpecProblem(p, "set cpuLevel and/or memoryLevel (allowed [0, 1])"));
      }
      for (Range r : INTERFERENCE_RANGES) range(params, p, r, problems);
      return;
    }
    List<String> fields = new ArrayList<>(List.of("link", "technology", "schedule"));
    NETWORK_RANGES.forEach(r -> fields.add(r.name()));
    unknown(params, p, fields, problems);
    JsonNode link = params.get("link");
    if (link != null && !(link.isTextual() && (link.asText().equals("*") || link.asText().matches("[A-Za-z0-9._-]+")))) {
      problems.add(new SpecProblem(p + ".link", "must be a peer device id or * (every link)"));
    }
    JsonNode tech = params.get("technology");
    if (tech != null && !(tech.isTextual() && TECHNOLOGIES.contains(tech.asText()))) {
      problems.add(new SpecProblem(p + ".technology", "must be one of wifi|lte"));
    }
    for (Range r : NETWORK_RANGES) range(params, p, r, problems);
    JsonNode schedule = params.get("schedule");
    boolean anyValue = NETWORK_RANGES.stream().anyMatch(r -> params.has(r.name()));
    if (schedule == null && !anyValue) {
      problems.add(new SpecProblem(p, "set at least one of rssiDbm, delayMs, jitterMs, rateMbps, lossPct, or a schedule"));
    }
    if (schedule != null) schedule(schedule, p + ".schedule", problems);
  }

  private static void schedule(JsonNode s, String p, List<SpecProblem> problems) {
    if (!s.isObject()) {
      problems.add(new SpecProblem(p, "must be an object {kind, ...}"));
      return;
    }
    String kind = s.path("kind").asText(null);
    if ("trace".equals(kind)) {
      problems.add(new SpecProblem(p + ".kind", "trace replay runs on the device (agent testbed.agent.network.schedules);"
          + " the timeline sends constant, steps, random-walk or markov"));
      return;
    }
    if (kind == null || !SCHEDULES.contains(kind)) {
      problems.add(new SpecProblem(p + ".kind", "must be one of " + String.join("|", SCHEDULES)));
      return;
    }
    int before = problems.size();
    switch (kind) {
      case "constant" -> unknown(s, p, List.of("kind"), problems);
      case "steps" -> {
        unknown(s, p, List.of("kind", "steps"), problems);
        JsonNode steps = s.get("steps");
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
          problems.add(new SpecProblem(p + ".steps", "must be a non-empty list of {afterMs, rssiDbm|delayMs|...}"));
          return;
        }
        for (int i = 0; i < steps.size(); i++) {
          JsonNode st = steps.get(i);
          String sp = p + ".steps[" + i + "]";
          List<String> f = new ArrayList<>(List.of("afterMs", "technology"));
          NETWORK_RANGES.forEach(r -> f.add(r.name()));
          unknown(st, sp, f, problems);
          if (!st.path("afterMs").canConvertToLong() || st.path("afterMs").asLong() < 0) {
            problems.add(new SpecProblem(sp + ".afterMs", "must be an integer >= 0"));
          }
          for (Range r : NETWORK_RANGES) range(st, sp, r, problems);
        }
      }
      case "random-walk" -> {
        unknown(s, p, List.of("kind", "minDbm", "maxDbm", "stepDbm", "startDbm", "intervalMs", "durationMs", "seed"), problems);
        Range rssi = NETWORK_RANGES.get(0);
        for (String f : List.of("minDbm", "maxDbm")) required(s, p, f, rssi, problems);
        required(s, p, "stepDbm", new Range("stepDbm", 0.1, 120, "dB"), problems);
        if (s.has("startDbm")) range(s, p, new Range("startDbm", -120, 0, "dBm"), problems);
        interval(s, p, problems);
        if (s.path("minDbm").asDouble() > s.path("maxDbm").asDouble()) {
          problems.add(new SpecProblem(p + ".minDbm", "must be <= maxDbm"));
        }
      }
      case "markov" -> {
        unknown(s, p, List.of("kind", "levelsDbm", "transitions", "start", "intervalMs", "durationMs", "seed"), problems);
        JsonNode levels = s.get("levelsDbm");
        JsonNode t = s.get("transitions");
        if (levels == null || !levels.isArray() || levels.isEmpty()) {
          problems.add(new SpecProblem(p + ".levelsDbm", "must be a non-empty list of RSSI levels (allowed [-120, 0] dBm)"));
          return;
        }
        for (int i = 0; i < levels.size(); i++) {
          double v = levels.get(i).asDouble(Double.NaN);
          if (!(v >= -120 && v <= 0)) problems.add(new SpecProblem(p + ".levelsDbm[" + i + "]", "allowed [-120, 0] dBm"));
        }
        if (t == null || !t.isArray() || t.size() != levels.size()) {
          problems.add(new SpecProblem(p + ".transitions", "must be a " + levels.size() + "x" + levels.size() + " matrix"));
          return;
        }
        for (int i = 0; i < t.size(); i++) {
          JsonNode row = t.get(i);
          double sum = 0;
          boolean ok = row.isArray() && row.size() == levels.size();
          for (int j = 0; ok && j < row.size(); j++) {
            double v = row.get(j).asDouble(Double.NaN);
            if (!(v >= 0 && v <= 1)) ok = false;
            sum += v;
          }
          if (!ok || Math.abs(sum - 1) > 1e-6) {
            problems.add(new SpecProblem(p + ".transitions[" + i + "]", "must be " + levels.size()
                + " probabilities in [0, 1] summing to 1"));
          }
        }
        int start = s.path("start").asInt(0);
        if (start < 0 || start >= levels.size()) problems.add(new SpecProblem(p + ".start", "must be a level index in [0, "
            + (levels.size() - 1) + "]"));
        interval(s, p, problems);
      }
      default -> { }
    }
    if (problems.size() == before && !"constant".equals(kind) && !"steps".equals(kind)) {
      long n = s.path("durationMs").asLong() / Math.max(1, s.path("intervalMs").asLong());
      if (n > MAX_STEPS) problems.add(new SpecProblem(p + ".durationMs", "expands to " + n + " steps (at most " + MAX_STEPS + ")"));
    }
  }

  private static void interval(JsonNode s, String p, List<SpecProblem> problems) {
    required(s, p, "intervalMs", new Range("intervalMs", 10, 3_600_000, "ms"), problems);
    required(s, p, "durationMs", new Range("durationMs", 1, 86_400_000, "ms"), problems);
  }

  /** The interference levels of a valid {@code interference} event. */
  public static Interference interference(JsonNode params) {
    return new Interference(params.path("cpuLevel").asDouble(0), params.path("memoryLevel").asDouble(0));
  }

  /**
   * The SetNetwork steps of a valid {@code network} event: one at 0 for plain values or {@code constant}; the listed
   * steps; or the steps a seeded random walk / Markov chain takes (seed from the schedule, else {@code seed}), RSSI only,
   * one every {@code intervalMs} while {@code afterMs < durationMs}.
   */
  public static List<Step> networkSteps(JsonNode params, long seed) {
    String link = params.path("link").asText("*");
    String tech = params.hasNonNull("technology") ? params.get("technology").asText() : null;
    NetworkSetting base = setting(link, tech, params);
    JsonNode s = params.get("schedule");
    List<Step> out = new ArrayList<>();
    boolean baseHasValue = NETWORK_RANGES.stream().anyMatch(r -> params.has(r.name()));
    if (s == null || "constant".equals(s.path("kind").asText())) {
      out.add(new Step(0, base));
      return out;
    }
    if (baseHasValue) out.add(new Step(0, base));
    long sd = s.has("seed") ? s.get("seed").asLong() : seed;
    switch (s.path("kind").asText()) {
      case "steps" -> {
        for (JsonNode st : s.get("steps")) {
          String t = st.hasNonNull("technology") ? st.get("technology").asText() : tech;
          out.add(new Step(st.path("afterMs").asLong(), setting(link, t, st)));
        }
      }
      case "random-walk" -> {
        SplittableRandom r = new SplittableRandom(sd);
        double min = s.get("minDbm").asDouble();
        double max = s.get("maxDbm").asDouble();
        double step = s.get("stepDbm").asDouble();
        double v = s.has("startDbm") ? s.get("startDbm").asDouble() : (min + max) / 2;
        long interval = s.get("intervalMs").asLong();
        for (long t = 0; t < s.get("durationMs").asLong(); t += interval) {
          if (t > 0) {
            v += r.nextDouble(-step, step);
            if (v > max) v = max - (v - max);
            if (v < min) v = min + (min - v);
            v = Math.max(min, Math.min(max, v));
          }
          out.add(new Step(t, new NetworkSetting(link, tech, Math.round(v * 10) / 10.0, null, null, null, null)));
        }
      }
      case "markov" -> {
        SplittableRandom r = new SplittableRandom(sd);
        JsonNode levels = s.get("levelsDbm");
        JsonNode tr = s.get("transitions");
        int state = s.path("start").asInt(0);
        long interval = s.get("intervalMs").asLong();
        for (long t = 0; t < s.get("durationMs").asLong(); t += interval) {
          if (t > 0) {
            double u = r.nextDouble();
            double acc = 0;
            JsonNode row = tr.get(state);
            int next = row.size() - 1;
            for (int j = 0; j < row.size(); j++) {
              acc += row.get(j).asDouble();
              if (u < acc) {
                next = j;
                break;
              }
            }
            state = next;
          }
          out.add(new Step(t, new NetworkSetting(link, tech, levels.get(state).asDouble(), null, null, null, null)));
        }
      }
      default -> throw new IllegalArgumentException("unknown schedule kind " + s.path("kind").asText());
    }
    return out;
  }

  private static NetworkSetting setting(String link, String tech, JsonNode n) {
    return new NetworkSetting(link, tech, num(n, "rssiDbm"), num(n, "delayMs"), num(n, "jitterMs"), num(n, "rateMbps"),
        num(n, "lossPct"));
  }

  private static Double num(JsonNode n, String f) {
    return n.hasNonNull(f) ? n.get(f).asDouble() : null;
  }

  private static void unknown(JsonNode n, String p, List<String> allowed, List<SpecProblem> problems) {
    if (!n.isObject()) {
      problems.add(new SpecProblem(p, "must be an object"));
      return;
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        problems.add(new SpecProblem(p + "." + f, "unknown field (allowed: " + String.join(", ", allowed) + ")"));
      }
    }
  }

  private static void required(JsonNode n, String p, String f, Range r, List<SpecProblem> problems) {
    if (!n.has(f)) problems.add(new SpecProblem(p + "." + f, "is required (" + r.describe() + ")"));
    else range(n, p, r, problems);
  }

  private static void range(JsonNode n, String p, Range r, List<SpecProblem> problems) {
    JsonNode v = n.get(r.name());
    if (v == null) return;
    if (!v.isNumber() || !r.contains(v.asDouble())) {
      problems.add(new SpecProblem(p + "." + r.name(), (v.isNumber() ? v.asText() + " is out of range: " : "must be a number: ")
          + r.describe()));
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
