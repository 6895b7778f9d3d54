package io.testbed.power.adapter.process;

import com.typesafe.config.Config;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.protocol.PowerSample;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * NVIDIA GPU board power from an {@code nvidia-smi --query-gpu=timestamp,power.draw --format=csv,noheader,nounits -lms N}
 * loop. Each output line {@code 2026/11/30 08:30:01.123, 45.67} is one sample; the timestamp is nvidia-smi's own
 * (local time of the configured zone, ms resolution) or the line's arrival time. The command is configurable so tests
 * can run a script printing fixture lines. A line that is not a reading ({@code [N/A]}, an error text) or the process
 * exiting fails the meter; the bridge restarts the process after a backoff.
 */
public final class NvidiaSmiMeter implements MeterAdapter {
  private static final DateTimeFormatter NVSMI_TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSS", Locale.ROOT);

  /** Where sample timestamps come from. */
  public enum TimestampSource { NVIDIA_SMI, ARRIVAL }

  private final MeterInfo info;
  private final List<String> command;
  private final ZoneId zone;
  private final TimestampSource timestamps;
  private final TimeSource time;
  private Process process;
  private BlockingQueue<Line> lines;
  private Thread reader;

  private record Line(String text, long arrivalNs, boolean eof) {}

  public NvidiaSmiMeter(MeterInfo info, List<String> command, ZoneId zone, TimestampSource timestamps, TimeSource time) {
    if (command.isEmpty()) throw new IllegalArgumentException("meter " + info.meterId() + ": command must not be empty");
    this.info = info;
    this.command = List.copyOf(command);
    this.zone = zone;
    this.timestamps = timestamps;
    this.time = time;
  }

  /** From a meter's config: {@code command} (with {@code {gpu}} and {@code {interval-ms}} substituted), {@code gpu}, {@code timestamp-zone}, {@code timestamp-source}. */
  public static NvidiaSmiMeter create(MeterInfo info, Config c, TimeSource time) {
    String intervalMs = Long.toString(Math.max(1, Math.round(1000 / info.nominalRateHz())));
    String gpu = Integer.toString(c.getInt("gpu"));
    List<String> cmd = c.getStringList("command").stream().map(s -> s.replace("{gpu}", gpu).replace("{interval-ms}", intervalMs)).toList();
    String z = c.getString("timestamp-zone");
    ZoneId zone = z.isBlank() || z.equalsIgnoreCase("local") ? ZoneId.systemDefault() : ZoneId.of(z);
    TimestampSource ts = switch (c.getString("timestamp-source").toLowerCase(Locale.ROOT)) {
      case "nvidia-smi" -> TimestampSource.NVIDIA_SMI;
      case "arrival" -> TimestampSource.ARRIVAL;
      default -> throw new IllegalArgumentException("meter " + info.meterId() + ": timestamp-source must be nvidia-smi or arrival");
    };
    return new NvidiaSmiMeter(info, cmd, zone, ts, time);
  }

  @Override
  public MeterInfo info() { return info; }

  /** Lines arrive on their own; polling a few times per sample period keeps arrival timestamps tight. */
  @Override
  public Duration pollInterval() { return Duration.ofNanos(Math.max(1_000_000, Math.round(1e9 / info.nominalRateHz() / 4))); }

  @Override
  public void start() throws MeterException {
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new MeterException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
    BlockingQueue<Line> q = new LinkedBlockingQueue<>();
    lines = q;
    Process p = process;
    reader = new Thread(() -> readLines(p, q), "nvidia-smi-reader-" + info.meterId());
    reader.setDaemon(true);
    reader.start();
  }

  private void readLines(Process p, BlockingQueue<Line> q) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) q.add(new Line(l, time.epochNanos(), false));
    } catch (IOException e) {
      // the stream closes when close() destroys the process; the EOF marker below reports it either way
    }
    q.add(new Line("", time.epochNanos(), true));
  }

  @Override
  public List<PowerSample> poll() throws MeterException {
    if (lines == null) throw new MeterException("not started");
    List<Line> batch = new ArrayList<>();
    lines.drainTo(batch);
    List<PowerSample> out = new ArrayList<>(batch.size());
    for (Line l : batch) {
      if (l.eof()) throw new MeterException(command.get(0) + " stopped" + exitText());
      if (l.text().isBlank()) continue;
      out.add(parse(l));
    }
    return out;
  }

  private String exitText() {
    try {
      if (process.waitFor(1, TimeUnit.SECONDS)) return " with exit code " + process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "";
  }

  private PowerSample parse(Line line) throws MeterException {
    String[] f = line.text().split(",");
    if (f.length != 2) throw new MeterException("not a 'timestamp, power.draw' line: '" + line.text().strip() + "'");
    double watts;
    try {
      watts = Double.parseDouble(f[1].trim());
    } catch (NumberFormatException e) {
      throw new MeterException("power.draw is not a number: '" + line.text().strip() + "'");
    }
    if (!Double.isFinite(watts) || watts < 0) throw new MeterException("power.draw out of range: '" + line.text().strip() + "'");
    long ts = line.arrivalNs();
    if (timestamps == TimestampSource.NVIDIA_SMI) {
      try {
        var instant = LocalDateTime.parse(f[0].trim(), NVSMI_TIME).atZone(zone).toInstant();
        ts = instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
      } catch (DateTimeParseException e) {
        throw new MeterException("timestamp is not yyyy/MM/dd HH:mm:ss.SSS: '" + line.text().strip() + "'");
      }
    }
    return new PowerSample(ts, watts, null, null);
  }

  @Override
  public void close() {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(2, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    process = null;
    lines = null;
    reader = null;
  }
}
