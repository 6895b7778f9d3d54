package io.testbed.power.adapter.model;

import io.testbed.power.port.MeterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Host CPU busy share from the aggregate {@code cpu} line of {@code /proc/stat}: 1 - (idle + iowait) / total over
 * the interval since the previous call. The first call has no interval and returns 0 (idle).
 */
public final class ProcStatUtilisation implements UtilisationSource {
  private final Path file;
  private long lastTotal = -1;
  private long lastIdle;

  public ProcStatUtilisation(Path file) { this.file = file; }

  @Override
  public double busyShare() throws MeterException {
    String line;
    try {
      List<String> lines = Files.readAllLines(file);
      line = lines.stream().filter(l -> l.startsWith("cpu ")).findFirst().orElseThrow(() -> new MeterException(file + ": no aggregate 'cpu' line"));
    } catch (IOException e) {
      throw new MeterException(file + ": " + e.getMessage(), e);
    }
    String[] f = line.trim().split("\\s+");
    if (f.length < 5) throw new MeterException(file + ": 'cpu' line has too few fields");
    long total = 0;
    long idle = 0;
    try {
      // user nice system idle iowait irq softirq steal (guest and guest_nice are already inside user and nice)
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i == 4 || i == 5) idle += v;
      }
    } catch (NumberFormatException e) {
      throw new MeterException(file + ": 'cpu' line is not numeric: " + line);
    }
    double share = 0;
    if (lastTotal >= 0 && total > lastTotal) share = 1.0 - (double) (idle - lastIdle) / (total - lastTotal);
    lastTotal = total;
    lastIdle = idle;
    return Math.min(1, Math.max(0, share));
  }
}
