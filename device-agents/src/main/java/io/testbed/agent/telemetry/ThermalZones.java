package io.testbed.agent.telemetry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/** Reads {@code <root>/thermal_zone*}{@code /temp} (millidegrees Celsius) of a real device; the hottest zone wins. */
public final class ThermalZones {
  private final Path root;

  public ThermalZones(Path root) { this.root = root; }

  public static ThermalZones system() { return new ThermalZones(Path.of("/sys/class/thermal")); }

  public Optional<Double> maxCelsius() {
    if (!Files.isDirectory(root)) return Optional.empty();
    try (Stream<Path> zones = Files.list(root)) {
      OptionalDouble max = zones.filter(p -> p.getFileName().toString().startsWith("thermal_zone"))
          .map(p -> p.resolve("temp"))
          .filter(Files::isReadable)
          .mapToDouble(ThermalZones::readMilliC)
          .filter(Double::isFinite)
          .max();
      return max.isPresent() ? Optional.of(max.getAsDouble()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** True when at least one zone can be read. */
  public boolean present() { return maxCelsius().isPresent(); }

  private static double readMilliC(Path p) {
    try {
      return Long.parseLong(Files.readString(p).trim()) / 1000.0;
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
  }
}
