package io.testbed.experiments.bundle;

import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code queries.csv}: a header, then one RFC 4180 row per query of every repetition. Sample indices are ';'-joined.
 * {@code energyJ}/{@code energySource} are the device's own figure; the {@code metered*} columns and {@code meter} are
 * the bound meter's ({@link MeteredQueryEnergy}; method {@code none} when no meter was bound).
 */
public final class QueryCsv {
  /** The columns before the meter's (files written before issue 6 end here; {@link #read} takes both). */
  public static final List<String> BASE_HEADER = List.of("repetition", "queryId", "sampleCount", "samples", "scheduledNs",
      "issuedNs", "completedNs", "latencyNs", "device", "target", "outcome", "reason", "energyJ", "energySource", "digest");
  public static final List<String> HEADER = java.util.stream.Stream.concat(BASE_HEADER.stream(), java.util.stream.Stream.of(
      "meteredEnergyJ", "meteredEnergyUncertaintyJ", "meteredEnergyMethod", "meteredEnergySource", "meter")).toList();

  private QueryCsv() {}

  /** Writes every query without a meter's figure (method {@code none}). */
  public static void write(Path file, Map<Integer, List<QueryRecord>> byRepetition) throws IOException {
    write(file, byRepetition, Map.of());
  }

  /**
   * Writes every query, with its meter's figure where {@code metered} has one (by repetition, then query id); the
   * others get method {@code none}.
   */
  public static void write(Path file, Map<Integer, List<QueryRecord>> byRepetition,
      Map<Integer, Map<Long, MeteredQueryEnergy>> metered) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write(String.join(",", HEADER));
      w.write('\n');
      for (Map.Entry<Integer, List<QueryRecord>> e : new TreeMap<>(byRepetition).entrySet()) {
        Map<Long, MeteredQueryEnergy> rep = metered.getOrDefault(e.getKey(), Map.of());
        for (QueryRecord r : e.getValue()) {
          MeteredQueryEnergy m = rep.getOrDefault(r.queryId(), MeteredQueryEnergy.NONE);
          List<String> cells = List.of(String.valueOf(e.getKey()), String.valueOf(r.queryId()),
              String.valueOf(r.sampleCount()),
              r.sampleIndices().stream().map(String::valueOf).collect(Collectors.joining(";")),
              String.valueOf(r.scheduledNs()), String.valueOf(r.issuedNs()), String.valueOf(r.completedNs()),
              String.valueOf(r.latencyNs()), nz(r.device()), nz(r.target()), r.outcome().wireName(), nz(r.reason()),
              r.energyJ() == null ? "" : String.valueOf(r.energyJ()),
              r.energySource() == null ? "" : r.energySource().wireName(), nz(r.digest()),
              m.energyJ() == null ? "" : String.valueOf(m.energyJ()), m.uncertaintyJ() == null ? "" : String.valueOf(m.uncertaintyJ()),
              m.method(), nz(m.source()), nz(m.meterId()));
          w.write(cells.stream().map(QueryCsv::quote).collect(Collectors.joining(",")));
          w.write('\n');
        }
      }
    }
  }

  public static Map<Integer, List<QueryRecord>> read(Path file) throws IOException {
    List<List<String>> rows = parse(Files.readString(file));
    if (rows.isEmpty() || !(rows.get(0).equals(HEADER) || rows.get(0).equals(BASE_HEADER))) throw new IOException(file + ": unexpected header " + (rows.isEmpty() ? "(empty)" : rows.get(0)));
    Map<Integer, List<QueryRecord>> out = new TreeMap<>();
    for (int i = 1; i < rows.size(); i++) {
      List<String> c = rows.get(i);
      if (c.size() != rows.get(0).size()) throw new IOException(file + ": row " + i + " has " + c.size() + " cells");
      List<Integer> samples = c.get(3).isEmpty() ? List.of()
          : Arrays.stream(c.get(3).split(";")).map(Integer::valueOf).toList();
      QueryRecord r = new QueryRecord(Long.parseLong(c.get(1)), Integer.parseInt(c.get(2)), samples,
          Long.parseLong(c.get(4)), Long.parseLong(c.get(5)), Long.parseLong(c.get(6)), Long.parseLong(c.get(7)),
          en(c.get(8)), en(c.get(9)), outcome(c.get(10)), en(c.get(11)),
          c.get(12).isEmpty() ? null : Double.valueOf(c.get(12)), c.get(13).isEmpty() ? null : source(c.get(13)),
          en(c.get(14)));
      out.computeIfAbsent(Integer.parseInt(c.get(0)), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  /** The meter's figures of every query that has a meter column other than {@code none}, by repetition and query id. */
  public static Map<Integer, Map<Long, MeteredQueryEnergy>> readMetered(Path file) throws IOException {
    List<List<String>> rows = parse(Files.readString(file));
    Map<Integer, Map<Long, MeteredQueryEnergy>> out = new TreeMap<>();
    if (rows.isEmpty() || !rows.get(0).equals(HEADER)) return out;
    int b = BASE_HEADER.size();
    for (int i = 1; i < rows.size(); i++) {
      List<String> c = rows.get(i);
      if (c.size() != HEADER.size() || c.get(b + 2).equals("none")) continue;
      out.computeIfAbsent(Integer.parseInt(c.get(0)), k -> new TreeMap<>()).put(Long.parseLong(c.get(1)), new MeteredQueryEnergy(
          en(c.get(b + 4)), c.get(b).isEmpty() ? null : Double.valueOf(c.get(b)),
          c.get(b + 1).isEmpty() ? null : Double.valueOf(c.get(b + 1)), c.get(b + 2), en(c.get(b + 3))));
    }
    return out;
  }

  private static String nz(String s) { return s == null ? "" : s; }

  private static String en(String s) { return s.isEmpty() ? null : s; }

  private static Outcome outcome(String s) {
    for (Outcome o : Outcome.values()) if (o.wireName().equals(s)) return o;
    throw new IllegalArgumentException("unknown outcome '" + s + "'");
  }

  private static PowerSource source(String s) {
    for (PowerSource p : PowerSource.values()) if (p.wireName().equals(s)) return p;
    throw new IllegalArgumentException("unknown energy source '" + s + "'");
  }

  static String quote(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /** RFC 4180 parser: quoted cells may hold commas, quotes (doubled) and line breaks. */
  static List<List<String>> parse(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      any = true;
      if (quoted) {
        if (ch == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cell.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (ch == '\n') {
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        any = false;
      } else if (ch != '\r') {
        cell.append(ch);
      }
    }
    if (any) {
      row.add(cell.toString());
      rows.add(row);
    }
    return rows;
  }
}
