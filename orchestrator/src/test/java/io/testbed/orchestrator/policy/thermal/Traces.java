package io.testbed.orchestrator.policy.thermal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/**
 * Scripted temperature traces for the state machines. A trace is lines of
 * {@code time-ms temperature due -> MODE capture CAUSE|- flagged?}, e.g. {@code 33 80 due -> CAP no STOP_FOR_CAPTURE};
 * temperature {@code nan} is "no reading"; a trailing {@code flagged} means the reading must be ignored as implausible.
 */
final class Traces {
  private Traces() {}

  record Tick(long nowNs, double tempC, boolean due, Mode mode, boolean capture, String cause, boolean flagged) {}

  static List<Tick> parse(String trace) {
    List<Tick> ticks = new ArrayList<>();
    for (String raw : trace.strip().split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] io = line.split("->");
      String[] in = io[0].trim().split("\\s+"), out = io[1].trim().split("\\s+");
      ticks.add(new Tick(Math.round(Double.parseDouble(in[0]) * 1_000_000), in[1].equals("nan") ? Double.NaN : Double.parseDouble(in[1]),
          in[2].equals("due"), Mode.valueOf(out[0]), out[1].equals("yes"), out[2], out.length > 3 && out[3].equals("flagged")));
    }
    return ticks;
  }

  /** Runs the trace through a fresh controller and checks every decision; returns the final state. */
  static ControllerState run(ThermalPolicy policy, String trace) {
    ThermalController c = new ThermalController(policy, 0);
    int i = 0;
    for (Tick t : parse(trace)) {
      Decision d = c.onTick(t.tempC(), t.nowNs(), t.due());
      String where = "tick " + i++ + " at " + t.nowNs() / 1e6 + " ms";
      assertThat(d.mode()).as(where + " mode").isEqualTo(t.mode());
      assertThat(d.capture()).as(where + " capture").isEqualTo(t.capture());
      String cause = d instanceof Decision.SwitchMode s ? s.cause().name() : "-";
      assertThat(cause).as(where + " cause").isEqualTo(t.cause());
      assertThat(d.ignoredReading() != null).as(where + " flagged (" + d.ignoredReading() + ")").isEqualTo(t.flagged());
    }
    return c.state();
  }
}
