package io.testbed.agent.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.testbed.agent.sensor.FrameSource;
import io.testbed.agent.sensor.SensorMode;
import io.testbed.agent.sensor.SensorPowerModel;
import io.testbed.agent.sensor.ThermalRcModel;
import java.time.Duration;
import java.util.Map;

/**
 * A sensor node's settings ({@code testbed.agent.sensor}): the vision model, capture rate, frame source, RC thermal
 * model, Stagioni power model, the mode it starts in and the CAP watchdog (SYSTEMS.md section 4).
 */
public record SensorSettings(
    String model,
    double fps,
    SensorMode initialMode,
    Duration capWatchdog,
    FrameSource.Settings frames,
    ThermalRcModel.Params thermal,
    SensorPowerModel power) {
  public SensorSettings {
    if (model == null || model.isBlank()) throw new IllegalArgumentException("sensor.model is required");
    if (!(fps > 0) || fps > 1000) throw new IllegalArgumentException("sensor.fps must be in (0, 1000], was " + fps);
    if (initialMode == null) throw new IllegalArgumentException("sensor.initial-mode is required");
    if (capWatchdog == null || capWatchdog.isNegative() || capWatchdog.isZero()) {
      throw new IllegalArgumentException("sensor.cap-watchdog must be > 0, was " + capWatchdog);
    }
    if (frames == null || thermal == null || power == null) throw new IllegalArgumentException("sensor.frames, thermal and power are required");
    if (frames.width() < 224 || frames.height() < 224) {
      throw new IllegalArgumentException("sensor.frames: the model's input is 224x224, so frames must be at least that, were "
          + frames.width() + "x" + frames.height());
    }
  }

  /** The defaults of {@code reference.conf}. */
  public static SensorSettings defaults() { return fromConfig(ConfigFactory.defaultReference()); }

  /** From {@code root} (a whole config) with {@code overrides} (paths under {@code testbed.agent.sensor}, e.g. {@code fps}). */
  public static SensorSettings load(Map<String, ?> overrides) {
    Config base = ConfigFactory.load();
    Config o = ConfigFactory.parseMap(overrides.entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(e -> "testbed.agent.sensor." + e.getKey(), Map.Entry::getValue)));
    return fromConfig(o.withFallback(base).resolve());
  }

  /** Reads {@code testbed.agent.sensor} from {@code root}; errors name the setting. */
  public static SensorSettings fromConfig(Config root) {
    try {
      Config c = root.getConfig("testbed.agent.sensor");
      Config f = c.getConfig("frames");
      Config t = c.getConfig("thermal");
      Config p = c.getConfig("power");
      SensorMode initial;
      try {
        initial = SensorMode.fromWire(c.getString("initial-mode"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("sensor.initial-mode: " + e.getMessage());
      }
      return new SensorSettings(
          c.getString("model"),
          c.getDouble("fps"),
          initial,
          c.getDuration("cap-watchdog"),
          new FrameSource.Settings(f.getInt("width"), f.getInt("height"), f.getInt("channels"), f.getDouble("lighting"),
              c.getLong("seed"), f.getInt("shapes")),
          new ThermalRcModel.Params(t.getDouble("ambient-c"), t.getDouble("r-fast-k-per-w"), t.getDuration("tau-fast").toNanos(),
              t.getDouble("r-slow-k-per-w"), t.getDuration("tau-slow").toNanos()),
          new SensorPowerModel(p.getDouble("sensor-w"), p.getDouble("vpu-busy-w"), p.getDouble("vpu-gated-w"), p.getDouble("radio-tx-w"),
              p.getDouble("radio-idle-w"), p.getLong("bytes-per-frame"), p.getDouble("link-bits-per-s"), p.getDouble("far-j-per-frame")));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("sensor settings: " + e.getMessage(), e);
    }
  }

  /** The node's largest heating power (NSP or FAR at the capture rate): the plausibility filter's physics bound. */
  public double maxHeatingW() {
    return Math.max(power.heatingW(SensorMode.NSP, fps), power.heatingW(SensorMode.FAR, fps));
  }
}
