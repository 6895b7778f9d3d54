package io.testbed.agent.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays a profile fragment ({@code --profile-file}, e.g. the {@code profile-fit.conf} a calibration run writes) over the
 * agent's configuration. A fragment holds {@code testbed.agent.profiles.<name> { ... }} sections in the shape of
 * {@code reference.conf}; each is merged over the profile of that name key by key, and its {@code targets} by id (a
 * fragment target replaces only the keys it names; a new id is added). A DVFS target whose fragment {@code busy-w} has
 * one figure while the profile has several levels gets that figure at its highest level, and its other levels' power
 * above idle scaled by the same factor (calibration measures the highest level). Other keys of the fragment override.
 */
public final class ProfileOverlay {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProfileOverlay.class);
  private static final String PROFILES = "testbed.agent.profiles";

  private ProfileOverlay() {}

  /** Reads {@code file} and applies it to {@code base} (a resolved config), saying so in the log; failures name the file. */
  public static Config load(Config base, Path file) {
    if (!Files.isReadable(file)) throw new IllegalArgumentException("--profile-file: cannot read " + file);
    try {
      Config fragment = ConfigFactory.parseFile(file.toFile()).resolve();
      Config out = apply(base, fragment);
      LOG.info("--profile-file {} laid over {}", file, describe(fragment));
      return out;
    } catch (ConfigException e) {
      throw new IllegalArgumentException("--profile-file " + file + ": " + e.getMessage(), e);
    }
  }

  /** What a fragment sets, for the log: per profile its idle-w and each target's busy-w. */
  static String describe(Config fragment) {
    if (!fragment.hasPath(PROFILES)) return "no profile (other keys only)";
    List<String> parts = new ArrayList<>();
    for (String name : fragment.getConfig(PROFILES).root().keySet()) {
      Config f = fragment.getConfig(PROFILES + "." + ConfigUtil.quoteString(name));
      StringBuilder b = new StringBuilder("profile ").append(name).append(':');
      if (f.hasPath("power.idle-w")) b.append(" idle-w ").append(f.getDouble("power.idle-w")).append(" W");
      if (f.hasPath("targets")) {
        for (Config t : f.getConfigList("targets")) {
          b.append(", ").append(t.getString("id")).append(" busy-w ").append(t.hasPath("busy-w") ? t.getDoubleList("busy-w") : "unchanged");
        }
      }
      parts.add(b.toString());
    }
    return String.join("; ", parts);
  }

  public static Config apply(Config base, Config fragment) {
    Config out = fragment.withoutPath(PROFILES).withFallback(base);
    if (!fragment.hasPath(PROFILES)) return out;
    for (String name : fragment.getConfig(PROFILES).root().keySet()) {
      String path = PROFILES + "." + ConfigUtil.quoteString(name);
      Config frag = fragment.getConfig(path);
      Config prof = base.hasPath(path) ? base.getConfig(path) : ConfigFactory.empty();
      Config merged = frag.withoutPath("targets").withFallback(prof.withoutPath("targets"));
      List<Map<String, Object>> targets = new ArrayList<>();
      List<? extends Config> baseTargets = prof.hasPath("targets") ? prof.getConfigList("targets") : List.of();
      List<? extends Config> fragTargets = frag.hasPath("targets") ? frag.getConfigList("targets") : List.of();
      double idle = prof.hasPath("power.idle-w") ? prof.getDouble("power.idle-w") : Double.NaN;
      double newIdle = merged.hasPath("power.idle-w") ? merged.getDouble("power.idle-w") : Double.NaN;
      for (Config t : baseTargets) {
        Config f = fragTargets.stream().filter(x -> x.getString("id").equals(t.getString("id"))).findFirst().orElse(null);
        targets.add(f == null ? t.root().unwrapped() : mergeTarget(name, t, f, idle, newIdle));
      }
      for (Config f : fragTargets) {
        if (baseTargets.stream().noneMatch(t -> t.getString("id").equals(f.getString("id")))) targets.add(f.root().unwrapped());
      }
      merged = merged.withValue("targets", ConfigValueFactory.fromIterable(targets));
      out = out.withValue(path, merged.root());
    }
    return out;
  }

  private static Map<String, Object> mergeTarget(String profile, Config base, Config frag, double idle, double newIdle) {
    Map<String, Object> t = new LinkedHashMap<>(frag.withFallback(base).root().unwrapped());
    List<Double> baseBusy = base.getDoubleList("busy-w");
    if (frag.hasPath("busy-w") && !frag.hasPath("dvfs-levels-mhz") && frag.getDoubleList("busy-w").size() == 1 && baseBusy.size() > 1) {
      double top = frag.getDoubleList("busy-w").get(0);
      double baseTop = baseBusy.get(baseBusy.size() - 1);
      if (Double.isNaN(idle) || Double.isNaN(newIdle) || baseTop == idle) {
        throw new IllegalArgumentException("profile " + profile + ", target " + base.getString("id")
            + ": one busy-w figure for " + baseBusy.size() + " DVFS levels needs the profile's idle-w below its busy-w");
      }
      double factor = (top - newIdle) / (baseTop - idle);
      List<Double> scaled = new ArrayList<>();
      for (double b : baseBusy) scaled.add(newIdle + (b - idle) * factor);
      scaled.set(scaled.size() - 1, top);
      t.put("busy-w", scaled);
    }
    return t;
  }
}
