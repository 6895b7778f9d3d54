package io.testbed.experiments.loadgen.querysize;

import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution.Empirical;
import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution.PercentilePoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the empirical query-size file: UTF-8 text, one {@code percentile,items} row per line (percentile in
 * [0, 100], strictly increasing; items > 0, non-decreasing); an optional header line {@code percentile,items}; blank
 * lines and lines starting with {@code #} are ignored. At least 2 rows. Problems name {@code source:line}.
 */
public final class EmpiricalTableCsv {
  public static final String HEADER = "percentile,items";

  private EmpiricalTableCsv() {}

  /** Outcome of {@link #parse}: a distribution when {@code problems} is empty, else null. */
  public record Parsed(Empirical distribution, List<QuerySizeProblem> problems) {
    public Parsed {
      problems = List.copyOf(problems);
    }

    public boolean ok() { return problems.isEmpty(); }
  }

  /** Parses the whole text; every problem is reported at once. {@code source} names the file in problems. */
  public static Parsed parse(String text, String source) {
    List<QuerySizeProblem> problems = new ArrayList<>();
    List<PercentilePoint> rows = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    boolean seenRow = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      String where = source + ":" + (i + 1);
      if (line.isEmpty() || line.startsWith("#")) continue;
      if (!seenRow && line.replace(" ", "").equalsIgnoreCase(HEADER)) {
        seenRow = true;
        continue;
      }
      seenRow = true;
      String[] cells = line.split(",", -1);
      if (cells.length != 2) {
        problems.add(new QuerySizeProblem(where, "expected 2 cells 'percentile,items', got " + cells.length));
        continue;
      }
      Double p = number(cells[0]);
      Double items = number(cells[1]);
      if (p == null || !(p >= 0 && p <= 100)) {
        problems.add(new QuerySizeProblem(where, "percentile must be a number in [0, 100], got '" + cells[0].strip() + "'"));
        continue;
      }
      if (items == null || !(items > 0)) {
        problems.add(new QuerySizeProblem(where, "items must be a number > 0, got '" + cells[1].strip() + "'"));
        continue;
      }
      if (!rows.isEmpty()) {
        PercentilePoint prev = rows.get(rows.size() - 1);
        if (!(p > prev.percentile())) {
          problems.add(new QuerySizeProblem(where, "percentile " + p + " must be greater than the previous row's "
              + prev.percentile()));
          continue;
        }
        if (items < prev.items()) {
          problems.add(new QuerySizeProblem(where, "items " + items + " must not be less than the previous row's "
              + prev.items()));
          continue;
        }
      }
      rows.add(new PercentilePoint(p, items));
    }
    if (problems.isEmpty() && rows.size() < 2) {
      problems.add(new QuerySizeProblem(source, "needs at least 2 rows 'percentile,items', found " + rows.size()));
    }
    if (!problems.isEmpty()) return new Parsed(null, problems);
    return new Parsed(new Empirical(rows), List.of());
  }

  /** The file text for a table: the header, then one row per line. */
  public static String write(Empirical table) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (PercentilePoint r : table.table()) sb.append(num(r.percentile())).append(',').append(num(r.items())).append('\n');
    return sb.toString();
  }

  private static Double number(String cell) {
    try {
      double v = Double.parseDouble(cell.strip());
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String num(double v) { return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v); }
}
