package io.testbed.orchestrator.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Clock sync, meters and per-inference energy ({@code testbed.orchestrator.power-meters}), validated at start.
 *
 * @param probeInterval how often every source gets a round of clock probes
 * @param probesPerRound probes per round and source
 * @param probeAllDevices probe every device that sent a result, not only devices a meter is bound to
 * @param clockWindow exchanges kept per source; {@code clockKeepLowestDelay} of them (least delay) are fitted
 * @param ringHorizon how much of each meter's recent stream is kept
 * @param energyWait how long an inference waits for its meter's samples to cover its window
 * @param minSamples fewer samples than this in the window: the meter is too slow for it
 * @param averagingSpan how far back the averaging window of a too-slow meter reaches
 * @param idleBaseline {@code off} or {@code measured} (mean power outside inferences subtracted)
 * @param idleGuard margin around inference windows that idle samples keep
 * @param recentEnergies per-inference energies kept for REST
 */
public record PowerMeterSettings(
    Duration probeInterval,
    int probesPerRound,
    boolean probeAllDevices,
    int clockWindow,
    int clockKeepLowestDelay,
    Duration ringHorizon,
    Duration energyWait,
    int minSamples,
    Duration averagingSpan,
    boolean measureIdle,
    Duration idleGuard,
    int recentEnergies) {

  public static final String SECTION = "testbed.orchestrator.power-meters";

  /** Reads and validates the section; every bad key is named in one {@link IllegalArgumentException}. */
  public static PowerMeterSettings fromConfig(Config root) {
    Config c;
    try {
      c = root.withFallback(ConfigFactory.defaultReference()).resolve().getConfig(SECTION);
      List<String> bad = new ArrayList<>();
      PowerMeterSettings s = new PowerMeterSettings(c.getDuration("probe-interval"), c.getInt("probes-per-round"),
          switch (c.getString("probe-devices")) {
            case "all" -> true;
            case "bound" -> false;
            default -> {
              bad.add("probe-devices must be 'bound' or 'all', was '" + c.getString("probe-devices") + "'");
              yield false;
            }
          },
          c.getInt("clock-window"), c.getInt("clock-keep-lowest-delay"), c.getDuration("ring-horizon"),
          c.getDuration("energy-wait"), c.getInt("min-samples"), c.getDuration("averaging-span"),
          switch (c.getString("idle-baseline")) {
            case "measured" -> true;
            case "off" -> false;
            default -> {
              bad.add("idle-baseline must be 'off' or 'measured', was '" + c.getString("idle-baseline") + "'");
              yield false;
            }
          },
          c.getDuration("idle-guard"), c.getInt("recent-energies"));
      if (s.probeInterval.toMillis() < 10) bad.add("probe-interval must be >= 10ms");
      if (s.probesPerRound < 1) bad.add("probes-per-round must be >= 1");
      if (s.clockWindow < 1) bad.add("clock-window must be >= 1");
      if (s.clockKeepLowestDelay < 1 || s.clockKeepLowestDelay > s.clockWindow) bad.add("clock-keep-lowest-delay must be in [1, clock-window]");
      if (s.ringHorizon.toMillis() < 100) bad.add("ring-horizon must be >= 100ms");
      if (s.energyWait.isNegative()) bad.add("energy-wait must be >= 0");
      if (s.minSamples < 1) bad.add("min-samples must be >= 1");
      if (s.averagingSpan.isNegative() || s.averagingSpan.compareTo(s.ringHorizon) > 0) bad.add("averaging-span must be in [0, ring-horizon]");
      if (s.idleGuard.isNegative()) bad.add("idle-guard must be >= 0");
      if (s.recentEnergies < 1) bad.add("recent-energies must be >= 1");
      if (!bad.isEmpty()) throw new IllegalArgumentException("invalid " + SECTION + ": " + String.join("; ", bad));
      return s;
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid " + SECTION + ": " + e.getMessage(), e);
    }
  }
}
