package io.testbed.agent.config;

import com.typesafe.config.Config;
import io.testbed.agent.network.LinkConditions;
import io.testbed.agent.network.RadioTechnology;
import io.testbed.agent.network.RssiLinkMap;
import io.testbed.agent.network.ShaperSchedule;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Parses {@code testbed.agent.network.schedules}: local link schedules the agent runs by itself. Each entry has
 * {@code link} (peer id or {@code *}), {@code type}, {@code tick} (how often the agent re-evaluates it) and, by type:
 * <ul>
 *   <li>{@code constant}: {@code rssi-dbm} (+ {@code technology});</li>
 *   <li>{@code steps}: {@code steps = [{at = 0s, rssi-dbm = -50}, {at = 10s, rssi-dbm = -85}]}, optional {@code period};</li>
 *   <li>{@code random-walk}: {@code start-dbm, step-db, interval, min-dbm, max-dbm, seed};</li>
 *   <li>{@code markov}: {@code levels-dbm = [-50, -70, -85]}, {@code transitions} (rows summing to 1), {@code start},
 *       {@code interval}, {@code seed};</li>
 *   <li>{@code trace}: {@code file} (a Mahimahi trace: a path, or {@code classpath:traces/NAME}), {@code window},
 *       {@code rssi-dbm} (delay, jitter and loss from the RSSI map, the rate from the trace), {@code min-rate-mbps}.</li>
 * </ul>
 */
public final class ScheduleConfig {
  /** A schedule for one link, re-evaluated every {@code tick}. */
  public record LinkSchedule(String link, ShaperSchedule schedule, Duration tick) {}

  private ScheduleConfig() {}

  static List<LinkSchedule> parse(List<? extends Config> entries, RssiLinkMap map, LinkConditions defaults) {
    List<LinkSchedule> out = new ArrayList<>();
    for (Config e : entries) {
      String link = e.getString("link");
      String type = e.getString("type");
      RadioTechnology tech = e.hasPath("technology") ? RadioTechnology.fromWire(e.getString("technology")) : defaults.technology();
      Duration tick = e.hasPath("tick") ? e.getDuration("tick") : Duration.ofMillis(100);
      ShaperSchedule s = switch (type) {
        case "constant" -> new ShaperSchedule.Constant(map.conditions(tech, e.getDouble("rssi-dbm")));
        case "steps" -> new ShaperSchedule.Steps(e.getConfigList("steps").stream()
            .map(st -> new ShaperSchedule.Step(st.getDuration("at").toMillis(), map.conditions(tech, st.getDouble("rssi-dbm")))).toList(),
            e.hasPath("period") ? e.getDuration("period").toMillis() : 0);
        case "random-walk" -> new ShaperSchedule.RandomWalk(map, tech, e.getDouble("start-dbm"), e.getDouble("step-db"),
            e.getDuration("interval").toMillis(), e.getDouble("min-dbm"), e.getDouble("max-dbm"), new SplittableRandom(e.getLong("seed")));
        case "markov" -> {
          List<LinkConditions> levels = e.getDoubleList("levels-dbm").stream().map(d -> map.conditions(tech, d)).toList();
          List<List<Double>> rows = e.getAnyRefList("transitions").stream().map(r -> ((List<?>) r).stream()
              .map(x -> ((Number) x).doubleValue()).toList()).toList();
          double[][] p = rows.stream().map(r -> r.stream().mapToDouble(Double::doubleValue).toArray()).toArray(double[][]::new);
          yield new ShaperSchedule.Markov(levels, p, e.getInt("start"), e.getDuration("interval").toMillis(), new SplittableRandom(e.getLong("seed")));
        }
        case "trace" -> new ShaperSchedule.TraceReplay(map.conditions(tech, e.getDouble("rssi-dbm")), readTrace(e.getString("file")),
            e.hasPath("window") ? e.getDuration("window").toMillis() : 1000, e.hasPath("min-rate-mbps") ? e.getDouble("min-rate-mbps") : 0.012);
        default -> throw new IllegalArgumentException("network.schedules: unknown type '" + type + "' (constant, steps, random-walk, markov, trace)");
      };
      out.add(new LinkSchedule(link, s, tick));
    }
    return out;
  }

  /** Reads a Mahimahi trace from a file path or {@code classpath:NAME}. */
  public static long[] readTrace(String location) {
    try {
      if (location.startsWith("classpath:")) {
        String name = location.substring("classpath:".length());
        try (InputStream in = ScheduleConfig.class.getClassLoader().getResourceAsStream(name)) {
          if (in == null) throw new IllegalArgumentException("trace " + location + " is not on the class path");
          return ShaperSchedule.TraceReplay.parse(new InputStreamReader(in, StandardCharsets.US_ASCII));
        }
      }
      try (Reader r = Files.newBufferedReader(Path.of(location), StandardCharsets.US_ASCII)) {
        return ShaperSchedule.TraceReplay.parse(r);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("trace " + location + ": " + e.getMessage(), e);
    }
  }
}
