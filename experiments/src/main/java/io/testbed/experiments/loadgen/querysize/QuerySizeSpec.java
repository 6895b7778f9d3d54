package io.testbed.experiments.loadgen.querysize;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution.PercentilePoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of a {@link QuerySizeDistribution} in an experiment spec (SYSTEMS.md section 2, "Load"):
 * <pre>
 * {"kind":"lognormal","mu":5.1,"sigma":0.2}        mu and sigma optional (defaults 5.1, 0.2)
 * {"kind":"normal","mean":164,"sd":33}
 * {"kind":"fixed","items":128}
 * {"kind":"empirical","file":"sizes.csv"}           file format: {@link EmpiricalTableCsv}; relative to the spec
 * {"kind":"empirical","table":[{"percentile":0,"items":20},{"percentile":100,"items":400}]}
 * </pre>
 * {@link #parse} reports every problem at once, each naming its field ({@code scenario.querySize.sigma}); fields that
 * do not belong to the kind are rejected, so typos are caught. Null fields are absent from the JSON.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "mu", "sigma", "mean", "sd", "items", "file", "table"})
public record QuerySizeSpec(
    String kind, Double mu, Double sigma, Double mean, Double sd, Integer items, String file, List<Row> table) {

  public static final String LOGNORMAL = "lognormal";
  public static final String NORMAL = "normal";
  public static final String FIXED = "fixed";
  public static final String EMPIRICAL = "empirical";

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final Map<String, Set<String>> FIELDS = Map.of(
      LOGNORMAL, Set.of("kind", "mu", "sigma"),
      NORMAL, Set.of("kind", "mean", "sd"),
      FIXED, Set.of("kind", "items"),
      EMPIRICAL, Set.of("kind", "file", "table"));

  /** One inline row of an empirical table. */
  public record Row(double percentile, double items) {}

  public QuerySizeSpec {
    table = table == null ? null : List.copyOf(table);
  }

  /** Outcome of {@link #parse}: a spec when {@code problems} is empty, else null. */
  public record Parsed(QuerySizeSpec spec, List<QuerySizeProblem> problems) {
    public Parsed {
      problems = List.copyOf(problems);
    }

    public boolean ok() { return problems.isEmpty(); }
  }

  /** Outcome of {@link #resolve}: a distribution when {@code problems} is empty, else null. */
  public record Resolved(QuerySizeDistribution distribution, List<QuerySizeProblem> problems) {
    public Resolved {
      problems = List.copyOf(problems);
    }

    public boolean ok() { return problems.isEmpty(); }
  }

  public static QuerySizeSpec lognormal(double mu, double sigma) {
    return new QuerySizeSpec(LOGNORMAL, mu, sigma, null, null, null, null, null);
  }

  public static QuerySizeSpec normal(double mean, double sd) {
    return new QuerySizeSpec(NORMAL, null, null, mean, sd, null, null, null);
  }

  public static QuerySizeSpec fixed(int items) { return new QuerySizeSpec(FIXED, null, null, null, null, items, null, null); }

  public static QuerySizeSpec empiricalFile(String file) {
    return new QuerySizeSpec(EMPIRICAL, null, null, null, null, null, file, null);
  }

  public static QuerySizeSpec empiricalTable(List<Row> table) {
    return new QuerySizeSpec(EMPIRICAL, null, null, null, null, null, null, table);
  }

  /** Parses and validates JSON text; {@code path} prefixes field names in problems (e.g. {@code scenario.querySize}). */
  public static Parsed parse(String json, String path) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (IOException e) {
      return new Parsed(null, List.of(new QuerySizeProblem(path, "not valid JSON: " + e.getMessage())));
    }
    return parse(node, path);
  }

  /** Validates a JSON tree (a node of a larger spec); every problem is reported at once. */
  public static Parsed parse(JsonNode node, String path) {
    List<QuerySizeProblem> problems = new ArrayList<>();
    if (node == null || !node.isObject()) {
      return new Parsed(null, List.of(new QuerySizeProblem(path, "must be an object with a 'kind'")));
    }
    JsonNode kindNode = node.get("kind");
    if (kindNode == null || !kindNode.isTextual()) {
      return new Parsed(null, List.of(new QuerySizeProblem(path + ".kind",
          "required, one of " + LOGNORMAL + "|" + NORMAL + "|" + FIXED + "|" + EMPIRICAL)));
    }
    String kind = kindNode.asText();
    Set<String> allowed = FIELDS.get(kind);
    if (allowed == null) {
      return new Parsed(null, List.of(new QuerySizeProblem(path + ".kind",
          "unknown kind '" + kind + "', expected " + LOGNORMAL + "|" + NORMAL + "|" + FIXED + "|" + EMPIRICAL)));
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) problems.add(new QuerySizeProblem(path + "." + f, "not allowed for kind " + kind));
    }
    Double mu = null, sigma = null, mean = null, sd = null;
    Integer items = null;
    String file = null;
    List<Row> table = null;
    switch (kind) {
      case LOGNORMAL -> {
        mu = number(node, "mu", path, false, problems);
        sigma = number(node, "sigma", path, false, problems);
        if (sigma != null && !(sigma >= 0)) problems.add(new QuerySizeProblem(path + ".sigma", "must be >= 0"));
        if (mu == null && !node.has("mu")) mu = QuerySizeDistribution.DEFAULT_MU;
        if (sigma == null && !node.has("sigma")) sigma = QuerySizeDistribution.DEFAULT_SIGMA;
      }
      case NORMAL -> {
        mean = number(node, "mean", path, true, problems);
        sd = number(node, "sd", path, true, problems);
        if (mean != null && !(mean > 0)) problems.add(new QuerySizeProblem(path + ".mean", "must be > 0"));
        if (sd != null && !(sd >= 0)) problems.add(new QuerySizeProblem(path + ".sd", "must be >= 0"));
      }
      case FIXED -> {
        JsonNode n = node.get("items");
        if (n == null || n.isNull()) {
          problems.add(new QuerySizeProblem(path + ".items", "required for kind fixed"));
        } else if (!n.canConvertToInt() || !n.isIntegralNumber()) {
          problems.add(new QuerySizeProblem(path + ".items", "must be an integer"));
        } else if (n.asInt() < QuerySizeDistribution.MIN_ITEMS || n.asInt() > QuerySizeDistribution.MAX_ITEMS) {
          problems.add(new QuerySizeProblem(path + ".items", "must be in [1, 1024], got " + n.asInt()));
        } else {
          items = n.asInt();
        }
      }
      case EMPIRICAL -> {
        boolean hasFile = node.hasNonNull("file");
        boolean hasTable = node.hasNonNull("table");
        if (hasFile == hasTable) {
          problems.add(new QuerySizeProblem(path, "kind empirical needs exactly one of 'file' or 'table'"));
        } else if (hasFile) {
          JsonNode f = node.get("file");
          if (!f.isTextual() || f.asText().isBlank()) {
            problems.add(new QuerySizeProblem(path + ".file", "must be a non-blank path"));
          } else {
            file = f.asText();
          }
        } else {
          table = rows(node.get("table"), path + ".table", problems);
        }
      }
      default -> throw new IllegalStateException("unreachable: " + kind);
    }
    if (!problems.isEmpty()) return new Parsed(null, problems);
    return new Parsed(new QuerySizeSpec(kind, mu, sigma, mean, sd, items, file, table), List.of());
  }

  /**
   * Builds the distribution; an empirical {@code file} is read relative to {@code baseDir} (the spec's folder) and
   * its read or format problems come back as values naming {@code path.file} or {@code file:line}.
   */
  public Resolved resolve(Path baseDir, String path) {
    try {
      return switch (kind) {
        case LOGNORMAL -> ok(QuerySizeDistribution.lognormal(orDefault(mu, QuerySizeDistribution.DEFAULT_MU),
            orDefault(sigma, QuerySizeDistribution.DEFAULT_SIGMA)));
        case NORMAL -> ok(QuerySizeDistribution.normal(mean, sd));
        case FIXED -> ok(QuerySizeDistribution.fixed(items));
        case EMPIRICAL -> {
          if (table != null) {
            yield ok(QuerySizeDistribution.empirical(table.stream()
                .map(r -> new PercentilePoint(r.percentile(), r.items())).toList()));
          }
          Path p = baseDir == null ? Path.of(file) : baseDir.resolve(file);
          String text;
          try {
            text = Files.readString(p);
          } catch (IOException e) {
            yield new Resolved(null, List.of(new QuerySizeProblem(path + ".file", "cannot read '" + p + "': " + e)));
          }
          EmpiricalTableCsv.Parsed parsed = EmpiricalTableCsv.parse(text, file);
          yield parsed.ok() ? ok(parsed.distribution()) : new Resolved(null, parsed.problems());
        }
        default -> new Resolved(null, List.of(new QuerySizeProblem(path + ".kind", "unknown kind '" + kind + "'")));
      };
    } catch (IllegalArgumentException | NullPointerException e) {
      // A spec built in code without parse(): answer with a problem rather than an exception.
      return new Resolved(null, List.of(new QuerySizeProblem(path, "invalid " + kind + ": " + e.getMessage())));
    }
  }

  /** The spec for a distribution (an empirical one becomes an inline table). */
  public static QuerySizeSpec of(QuerySizeDistribution d) {
    // Java 17: no pattern switch without preview, so an instanceof chain over the sealed kinds.
    if (d instanceof QuerySizeDistribution.LogNormal l) return lognormal(l.mu(), l.sigma());
    if (d instanceof QuerySizeDistribution.Normal n) return normal(n.mean(), n.sd());
    if (d instanceof QuerySizeDistribution.Fixed f) return fixed(f.items());
    QuerySizeDistribution.Empirical e = (QuerySizeDistribution.Empirical) d;
    return empiricalTable(e.table().stream().map(r -> new Row(r.percentile(), r.items())).toList());
  }

  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode query-size spec", e);
    }
  }

  private static Resolved ok(QuerySizeDistribution d) { return new Resolved(d, List.of()); }

  private static double orDefault(Double v, double d) { return v == null ? d : v; }

  private static Double number(JsonNode node, String field, String path, boolean required, List<QuerySizeProblem> out) {
    JsonNode n = node.get(field);
    if (n == null || n.isNull()) {
      if (required) out.add(new QuerySizeProblem(path + "." + field, "required"));
      else if (n != null) out.add(new QuerySizeProblem(path + "." + field, "must be a number, not null"));
      return null;
    }
    if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
      out.add(new QuerySizeProblem(path + "." + field, "must be a number"));
      return null;
    }
    return n.asDouble();
  }

  private static List<Row> rows(JsonNode arr, String path, List<QuerySizeProblem> out) {
    if (!arr.isArray()) {
      out.add(new QuerySizeProblem(path, "must be an array of {percentile, items}"));
      return null;
    }
    if (arr.size() < 2) out.add(new QuerySizeProblem(path, "needs at least 2 rows"));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < arr.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode r = arr.get(i);
      if (!r.isObject()) {
        out.add(new QuerySizeProblem(at, "must be an object {percentile, items}"));
        continue;
      }
      for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("percentile") && !f.equals("items")) out.add(new QuerySizeProblem(at + "." + f, "unknown field"));
      }
      JsonNode p = r.get("percentile");
      JsonNode n = r.get("items");
      boolean good = true;
      if (p == null || !p.isNumber() || !(p.asDouble() >= 0 && p.asDouble() <= 100)) {
        out.add(new QuerySizeProblem(at + ".percentile", "required, a number in [0, 100]"));
        good = false;
      }
      if (n == null || !n.isNumber() || !(n.asDouble() > 0)) {
        out.add(new QuerySizeProblem(at + ".items", "required, a number > 0"));
        good = false;
      }
      if (!good) continue;
      if (!rows.isEmpty()) {
        Row prev = rows.get(rows.size() - 1);
        if (!(p.asDouble() > prev.percentile())) {
          out.add(new QuerySizeProblem(at + ".percentile", "must be greater than the previous row's " + prev.percentile()));
        }
        if (n.asDouble() < prev.items()) {
          out.add(new QuerySizeProblem(at + ".items", "must not be less than the previous row's " + prev.items()));
        }
      }
      rows.add(new Row(p.asDouble(), n.asDouble()));
    }
    return rows;
  }
}
