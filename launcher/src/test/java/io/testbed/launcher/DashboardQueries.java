package io.testbed.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads the Grafana dashboards of dashboards/grafana and turns every panel query into runnable InfluxQL. */
final class DashboardQueries {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern UNKNOWN_VARIABLE = Pattern.compile("\\$[A-Za-z_]");
  private static final Pattern ALIAS = Pattern.compile("AS \"([A-Za-z0-9_]+)\"");

  /** One panel query with the columns its aliases promise. */
  record PanelQuery(String dashboard, String panel, String influxQl, List<String> expectedColumns) {}

  private DashboardQueries() {}

  static Path dashboardsDir() {
    // Failsafe runs in the launcher module; the dashboards live beside it.
    Path p = Path.of("").toAbsolutePath().resolveSibling("dashboards").resolve("grafana").resolve("dashboards");
    if (!Files.isDirectory(p)) throw new IllegalStateException("no dashboards at " + p);
    return p;
  }

  /** Every panel target of every dashboard, with Grafana's variables substituted. */
  static List<PanelQuery> load(Path dir, String run, String device) throws IOException {
    List<PanelQuery> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode d = JSON.readTree(f.toFile());
        for (JsonNode panel : d.path("panels")) {
          for (JsonNode t : panel.path("targets")) {
            String q = t.path("query").asText();
            String sub = q.replace("$timeFilter", "time > now() - 1h").replace("$__interval", "1s")
                .replace("/^$run$/", "/^" + run + "$/").replace("/^$device$/", "/^" + device + "$/");
            if (UNKNOWN_VARIABLE.matcher(sub).find()) throw new IllegalStateException(f.getFileName() + " '" + panel.path("title").asText() + "' uses an unknown variable: " + q);
            List<String> cols = new ArrayList<>();
            cols.add("time");
            Matcher m = ALIAS.matcher(q);
            while (m.find()) cols.add(m.group(1));
            out.add(new PanelQuery(f.getFileName().toString(), panel.path("title").asText(), sub, cols));
          }
        }
      }
    }
    return out;
  }
}
