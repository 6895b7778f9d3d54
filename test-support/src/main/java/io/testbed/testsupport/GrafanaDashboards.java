package io.testbed.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs every panel query of a Grafana dashboard (dashboards/grafana/dashboards/*.json) against a real influxd, with the
 * template variables substituted, and reports the panels that do not return their promised columns and at least one
 * non-null value. A dashboard querying a measurement or field nobody writes thus fails the test that calls it.
 */
public final class GrafanaDashboards {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ALIAS = Pattern.compile("AS \"([A-Za-z0-9_]+)\"");
  private static final Pattern UNKNOWN_VARIABLE = Pattern.compile("\\$[A-Za-z_]");

  /** One panel query with the columns its aliases promise. */
  public record PanelQuery(String dashboard, String panel, String influxQl, List<String> expectedColumns) {}

  private GrafanaDashboards() {}

  /** The repository's dashboards folder, found from a module's working directory. */
  public static Path dir() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path d = p.resolve("dashboards").resolve("grafana").resolve("dashboards");
      if (Files.isDirectory(d)) return d;
    }
    throw new IllegalStateException("no dashboards/grafana/dashboards above " + here);
  }

  /**
   * Every panel target of a dashboard file, with {@code $timeFilter}, {@code $__interval} and each {@code /^$var$/}
   * substituted ({@code vars}: variable name to the value to query).
   */
  public static List<PanelQuery> queries(Path file, Map<String, String> vars) {
    try {
      JsonNode d = JSON.readTree(file.toFile());
      List<PanelQuery> out = new ArrayList<>();
      for (JsonNode panel : d.path("panels")) {
        for (JsonNode t : panel.path("targets")) {
          String q = t.path("query").asText();
          String sub = q.replace("$timeFilter", "time > now() - 1h").replace("$__interval", "1s");
          for (Map.Entry<String, String> v : vars.entrySet()) {
            sub = sub.replace("/^$" + v.getKey() + "$/", "/^" + v.getValue() + "$/");
          }
          if (UNKNOWN_VARIABLE.matcher(sub).find()) {
            throw new IllegalStateException(file.getFileName() + " '" + panel.path("title").asText() + "' uses a variable not given: " + q);
          }
          List<String> cols = new ArrayList<>();
          cols.add("time");
          Matcher m = ALIAS.matcher(q);
          while (m.find()) cols.add(m.group(1));
          out.add(new PanelQuery(file.getFileName().toString(), panel.path("title").asText(), sub, cols));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs every query; returns one line per panel that failed (empty when every panel returns data). */
  public static List<String> problems(Influxd influx, String database, List<PanelQuery> queries) {
    List<String> problems = new ArrayList<>();
    for (PanelQuery q : queries) {
      String where = q.dashboard() + " / " + q.panel() + ": ";
      try {
        JsonNode result = JSON.readTree(influx.query(database, q.influxQl())).path("results").path(0);
        if (result.hasNonNull("error")) {
          problems.add(where + result.path("error").asText());
          continue;
        }
        JsonNode series = result.path("series");
        if (series.isEmpty()) {
          problems.add(where + "no rows for " + q.influxQl());
          continue;
        }
        List<String> columns = new ArrayList<>();
        series.get(0).path("columns").forEach(c -> columns.add(c.asText()));
        if (!columns.equals(q.expectedColumns())) problems.add(where + "columns " + columns + ", expected " + q.expectedColumns());
        boolean anyValue = false;
        for (JsonNode s : series) {
          for (JsonNode row : s.path("values")) {
            for (int i = 1; i < row.size(); i++) anyValue |= !row.get(i).isNull();
          }
        }
        if (!anyValue) problems.add(where + "only null values");
      } catch (IOException e) {
        problems.add(where + e.getMessage());
      }
    }
    return problems;
  }
}
