package io.testbed.power.adapter.csv;

import com.typesafe.config.Config;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.protocol.PowerSample;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a recorded capture (Monsoon power monitor CSV {@code Time(ms),Main(mA),Main Voltage(V)}, Joulescope CSV
 * {@code time,current,voltage,power}, or any CSV with a configured column mapping) as one meter's stream. Capture
 * time 0 is placed at the configured start instant. Rows are published in chunks until the file ends; rows that are
 * not numbers are skipped and counted (a capture does not get better by retrying). Duplicated or backwards
 * timestamps (a known Monsoon trait) are dropped and counted by the bridge like any meter's.
 */
public final class CaptureImporter implements MeterAdapter {
  private static final Logger log = LoggerFactory.getLogger(CaptureImporter.class);
  private static final Map<String, Double> TIME_NS = Map.of("s", 1e9, "ms", 1e6, "us", 1e3, "ns", 1.0);
  private static final Map<String, Double> AMPS = Map.of("a", 1.0, "ma", 1e-3, "ua", 1e-6);
  private static final Map<String, Double> VOLTS = Map.of("v", 1.0, "mv", 1e-3, "uv", 1e-6);
  private static final Map<String, Double> WATTS = Map.of("w", 1.0, "mw", 1e-3, "uw", 1e-6);

  /**
   * Which column holds what, by header name (or by 0-based index when the name is a number), and in which unit.
   * Empty names mean the column is absent; power needs either a power column or both current and voltage.
   */
  public record Columns(String time, String timeUnit, String current, String currentUnit, String voltage, String voltageUnit,
      String power, String powerUnit) {
    static Columns from(Config c) {
      return new Columns(c.getString("time"), c.getString("time-unit"), c.getString("current"), c.getString("current-unit"),
          c.getString("voltage"), c.getString("voltage-unit"), c.getString("power"), c.getString("power-unit"));
    }
  }

  private final MeterInfo info;
  private final Path file;
  private final Columns columns;
  private final String delimiter;
  private final Long configuredStartNs;
  private final int chunkSamples;
  private final TimeSource time;
  private final double timeScale;
  private final double currentScale;
  private final double voltageScale;
  private final double powerScale;
  private BufferedReader reader;
  private int timeIdx;
  private int currentIdx;
  private int voltageIdx;
  private int powerIdx;
  private long startNs = -1;
  private long rowsConsumed;
  private long lineNo;
  private long malformedRows;
  private boolean exhausted;

  /** @param startNs epoch ns of capture time 0; null to use the time of the import */
  public CaptureImporter(MeterInfo info, Path file, Columns columns, String delimiter, Long startNs, int chunkSamples, TimeSource time) {
    this.info = info;
    this.file = file;
    this.columns = columns;
    this.delimiter = delimiter;
    this.configuredStartNs = startNs;
    this.chunkSamples = chunkSamples;
    this.time = time;
    this.timeScale = unit(TIME_NS, columns.timeUnit(), "time-unit");
    this.currentScale = unit(AMPS, columns.currentUnit(), "current-unit");
    this.voltageScale = unit(VOLTS, columns.voltageUnit(), "voltage-unit");
    this.powerScale = unit(WATTS, columns.powerUnit(), "power-unit");
    if (columns.time().isBlank()) throw new IllegalArgumentException("meter " + info.meterId() + ": the time column is required");
    if (columns.power().isBlank() && (columns.current().isBlank() || columns.voltage().isBlank())) {
      throw new IllegalArgumentException("meter " + info.meterId() + ": need a power column, or current and voltage columns");
    }
    if (chunkSamples < 1) throw new IllegalArgumentException("meter " + info.meterId() + ": chunk-samples must be >= 1");
  }

  /**
   * From a meter's config: {@code file}, {@code format} (monsoon, joulescope, custom; presets under {@code formats}),
   * optional {@code columns} overriding the preset, {@code delimiter}, {@code start} (ISO-8601 instant, empty for now),
   * {@code chunk-samples}.
   */
  public static CaptureImporter create(MeterInfo info, Config c, TimeSource time) {
    if (c.getString("file").isBlank()) throw new IllegalArgumentException("file is required (the capture CSV)");
    String format = c.getString("format").toLowerCase(Locale.ROOT);
    Config cols;
    if (format.equals("custom")) {
      if (!c.hasPath("columns")) throw new IllegalArgumentException("meter " + info.meterId() + ": format custom needs a columns block");
      cols = c.getConfig("columns").withFallback(c.getConfig("formats.custom"));
    } else if (c.hasPath("formats." + format)) {
      cols = c.hasPath("columns") ? c.getConfig("columns").withFallback(c.getConfig("formats." + format)) : c.getConfig("formats." + format);
    } else {
      throw new IllegalArgumentException("meter " + info.meterId() + ": format must be monsoon, joulescope or custom, was '" + format + "'");
    }
    String start = c.getString("start");
    Long startNs = null;
    if (!start.isBlank()) {
      Instant i = Instant.parse(start);
      startNs = i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
    return new CaptureImporter(info, Path.of(c.getString("file")), Columns.from(cols), c.getString("delimiter"), startNs, c.getInt("chunk-samples"), time);
  }

  @Override
  public MeterInfo info() { return info; }

  @Override
  public Duration pollInterval() { return Duration.ofMillis(10); }

  @Override
  public void start() throws MeterException {
    close();
    if (startNs < 0) startNs = configuredStartNs != null ? configuredStartNs : time.epochNanos();
    try {
      reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
      String header = reader.readLine();
      lineNo = 1;
      if (header == null) throw new MeterException(file + ": empty file");
      List<String> names = Arrays.stream(header.split(Pattern.quote(delimiter), -1))
          .map(h -> h.strip().replaceFirst("^#", "").strip().toLowerCase(Locale.ROOT)).toList();
      timeIdx = index(names, columns.time());
      currentIdx = index(names, columns.current());
      voltageIdx = index(names, columns.voltage());
      powerIdx = index(names, columns.power());
      // after a restart, continue where the last run stopped
      for (long r = 0; r < rowsConsumed; r++) {
        if (reader.readLine() == null) break;
        lineNo++;
      }
    } catch (IOException e) {
      close();
      throw new MeterException(file + ": " + e.getMessage(), e);
    } catch (MeterException e) {
      close();
      throw e;
    }
  }

  private int index(List<String> names, String column) throws MeterException {
    if (column.isBlank()) return -1;
    int i = names.indexOf(column.strip().toLowerCase(Locale.ROOT));
    if (i >= 0) return i;
    if (column.strip().matches("\\d+")) return Integer.parseInt(column.strip());
    throw new MeterException(file + ": no column '" + column + "' in header " + names);
  }

  @Override
  public List<PowerSample> poll() throws MeterException {
    if (exhausted) return List.of();
    if (reader == null) throw new MeterException("not started");
    List<PowerSample> out = new ArrayList<>(Math.min(chunkSamples, 4096));
    try {
      while (out.size() < chunkSamples) {
        String line = reader.readLine();
        if (line == null) {
          exhausted = true;
          log.info("meter {}: imported {} rows of {}, {} malformed rows skipped", info.meterId(), rowsConsumed, file, malformedRows);
          break;
        }
        lineNo++;
        rowsConsumed++;
        if (line.isBlank()) continue;
        PowerSample s = row(line);
        if (s != null) out.add(s);
      }
    } catch (IOException e) {
      throw new MeterException(file + ": " + e.getMessage(), e);
    }
    return out;
  }

  private PowerSample row(String line) {
    String[] f = line.split(Pattern.quote(delimiter), -1);
    try {
      double t = Double.parseDouble(f[timeIdx].strip());
      long ts = startNs + Math.round(t * timeScale);
      Double a = currentIdx < 0 ? null : Double.parseDouble(f[currentIdx].strip()) * currentScale;
      Double v = voltageIdx < 0 ? null : Double.parseDouble(f[voltageIdx].strip()) * voltageScale;
      double p = powerIdx >= 0 ? Double.parseDouble(f[powerIdx].strip()) * powerScale : v * a;
      return new PowerSample(ts, p, v, a);
    } catch (RuntimeException e) {
      malformedRows++;
      if (malformedRows <= 10) log.warn("meter {}: {} line {} skipped: {}", info.meterId(), file, lineNo, e.getMessage());
      return null;
    }
  }

  /** Rows that were not numbers (or lacked a column) and were skipped. */
  public long malformedRows() { return malformedRows; }

  @Override
  public boolean exhausted() { return exhausted; }

  @Override
  public void close() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException ignored) {
        // read-only file
      }
    }
    reader = null;
  }

  private double unit(Map<String, Double> units, String unit, String name) {
    Double s = units.get(unit.strip().toLowerCase(Locale.ROOT));
    if (s == null) throw new IllegalArgumentException("meter " + info.meterId() + ": " + name + " must be one of " + units.keySet() + ", was '" + unit + "'");
    return s;
  }
}
