package io.testbed.experiments.thermal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a thermal run's bundle into {@code <root>/<runId>/}: {@code thermal-report.txt} (the table),
 * {@code thermal-report.json} (spec and per-policy figures), {@code thermal-frames.csv} (every frame),
 * {@code thermal-modes.csv} (every mode change) and {@code plots/thermal-<policy>.png}.
 */
public final class ThermalBundle {
  public static final String REPORT_TXT = "thermal-report.txt";
  public static final String REPORT_JSON = "thermal-report.json";
  public static final String FRAMES_CSV = "thermal-frames.csv";
  public static final String MODES_CSV = "thermal-modes.csv";

  private ThermalBundle() {}

  /** Writes the bundle; returns its folder. */
  public static Path write(Path root, ThermalReport report, List<ThermalFrame> frames, List<ModeChange> changes) throws IOException {
    Path dir = root.resolve(report.runId());
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(REPORT_TXT), report.table());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(REPORT_JSON).toFile(), report.json());
    List<String> lines = new ArrayList<>();
    lines.add("policy,repetition,index,tS,mode,temperatureC,psnrDb,agreement,nodePowerW,transferPowerW,farPowerW,capture,ok,thresholdC");
    for (ThermalFrame f : frames) {
      lines.add(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%s,%.3f,%.3f,%s,%.4f,%.4f,%.4f,%d,%d,%.3f", f.policy(), f.repetition(), f.index(),
          f.tNs() / 1e9, f.mode(), f.temperatureC(), f.psnrDb(), f.agreement() == null ? "" : String.format(Locale.ROOT, "%.3f", f.agreement()),
          f.nodePowerW(), f.transferPowerW(), f.farPowerW(), f.capture() ? 1 : 0, f.ok() ? 1 : 0, f.thresholdC()));
    }
    Files.write(dir.resolve(FRAMES_CSV), lines);
    List<String> modes = new ArrayList<>();
    modes.add("policy,repetition,tS,from,to,cause,temperatureC,applied");
    for (ModeChange c : changes) {
      modes.add(String.format(Locale.ROOT, "%s,%d,%.6f,%s,%s,%s,%.3f,%b", c.policy(), c.repetition(), c.tNs() / 1e9, c.from(), c.to(), c.cause(),
          c.temperatureC(), c.applied()));
    }
    Files.write(dir.resolve(MODES_CSV), modes);
    ThermalPlot.write(dir.resolve("plots"), frames, changes, report.spec().policies());
    return dir;
  }
}
