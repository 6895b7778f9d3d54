package io.testbed.agent.config;

import com.typesafe.config.Config;
import io.testbed.agent.network.LinkConditions;
import io.testbed.agent.network.LinkLimits;
import io.testbed.agent.network.RadioTechnology;
import io.testbed.agent.network.RssiLinkMap;
import io.testbed.agent.power.RadioEnergyModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's AutoScale settings (SYSTEMS.md section 1): network shaper, RSSI maps, radio power, interference
 * stressors, INT8 agreement sampling and the cpufreq root; read from {@code testbed.agent}.
 *
 * @param shaper {@code relay}, {@code tc} or {@code none}
 * @param defaultLink conditions of a link until something changes them
 * @param cloudLinks peer-id globs of the cloud links
 * @param schedules local link schedules, each with its link and tick
 * @param int8AgreementEvery run the FP32 reference for every Nth int8 command (0: never)
 */
public record AutoScaleSettings(
    String shaper,
    String tcDevice,
    List<String> tcCommand,
    LinkConditions defaultLink,
    List<String> cloudLinks,
    RelaySettings relay,
    LinkLimits limits,
    RssiLinkMap rssiMap,
    Map<RadioTechnology, RadioEnergyModel.Params> radio,
    int memoryBufferMb,
    Duration interferencePeriod,
    int int8AgreementEvery,
    Path cpufreqRoot,
    List<ScheduleConfig.LinkSchedule> schedules) {
  /** Tuning of the relay shaper (mirrors the adapter's settings, kept here so config stays free of adapters). */
  public record RelaySettings(int segmentBytes, double rtoMinMs, long seed, int queueBytes) {}

  public AutoScaleSettings {
    if (!List.of("relay", "tc", "none").contains(shaper)) throw new IllegalArgumentException("network.shaper must be relay, tc or none, was " + shaper);
    tcCommand = List.copyOf(tcCommand);
    cloudLinks = List.copyOf(cloudLinks);
    radio = Map.copyOf(radio);
    if (int8AgreementEvery < 0) throw new IllegalArgumentException("int8-agreement-every must be >= 0, was " + int8AgreementEvery);
    schedules = List.copyOf(schedules);
  }

  static AutoScaleSettings fromConfig(Config c) {
    Config n = c.getConfig("network");
    Map<RadioTechnology, List<RssiLinkMap.Row>> tables = new EnumMap<>(RadioTechnology.class);
    for (RadioTechnology t : RadioTechnology.values()) {
      tables.put(t, n.getConfigList("rssi-map." + t.wireName()).stream().map(r -> new RssiLinkMap.Row(r.getDouble("rssi-dbm"),
          r.getDouble("rate-mbps"), r.getDouble("rtt-ms"), r.getDouble("jitter-ms"), r.getDouble("loss-pct"))).toList());
    }
    RssiLinkMap map = new RssiLinkMap(tables);
    RadioTechnology tech = RadioTechnology.fromWire(n.getString("default-link.technology"));
    LinkConditions defaults = map.conditions(tech, n.getDouble("default-link.rssi-dbm"));
    Config l = n.getConfig("limits");
    LinkLimits limits = new LinkLimits(l.getDouble("max-delay-ms"), l.getDouble("max-jitter-ms"), l.getDouble("min-rate-mbps"),
        l.getDouble("max-rate-mbps"), l.getDouble("max-loss-pct"), l.getDouble("min-rssi-dbm"), l.getDouble("max-rssi-dbm"));
    Map<RadioTechnology, RadioEnergyModel.Params> radio = new EnumMap<>(RadioTechnology.class);
    for (RadioTechnology t : RadioTechnology.values()) {
      Config r = c.getConfig("radio." + t.wireName());
      radio.put(t, new RadioEnergyModel.Params(r.getDouble("alpha-up-mw-per-mbps"), r.getDouble("alpha-down-mw-per-mbps"), r.getDouble("beta-mw"),
          r.getDouble("good-dbm"), r.getDouble("weak-dbm"), r.getDouble("tx-weak-gain"), r.getDouble("rx-weak-gain"), r.getDouble("promotion-ms"),
          r.getDouble("promotion-w"), r.getDouble("tail-ms"), r.getDouble("tail-w")));
    }
    Config relay = n.getConfig("relay");
    return new AutoScaleSettings(
        n.getString("shaper"),
        n.getString("tc.device"),
        n.getStringList("tc.command"),
        defaults,
        n.getStringList("cloud-links"),
        new RelaySettings(relay.getInt("segment-bytes"), relay.getDuration("rto-min").toNanos() / 1e6, relay.getLong("seed"),
            (int) Math.min(Integer.MAX_VALUE, relay.getBytes("queue-bytes"))),
        limits,
        map,
        radio,
        c.getInt("interference.memory-buffer-mb"),
        c.getDuration("interference.period"),
        c.getInt("int8-agreement-every"),
        Path.of(c.getString("cpufreq-root")),
        ScheduleConfig.parse(n.getConfigList("schedules"), map, defaults));
  }
}
