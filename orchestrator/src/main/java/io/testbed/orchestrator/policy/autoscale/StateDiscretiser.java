package io.testbed.orchestrator.policy.autoscale;

import io.testbed.protocol.ModelFeatures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Turns an {@link Observation} into a {@link StateKey} with the configured bins (SYSTEMS.md section 1), and a key
 * into its readable text and back, e.g. {@code conv<30 fc<10 rnn=no macs<500M cpu=0 mem=0 rssi[cloud-1]=weak}.
 */
public final class StateDiscretiser {
  private final AutoScaleSettings.StateBins bins;

  public StateDiscretiser(AutoScaleSettings.StateBins bins) {
    if (bins == null) throw new IllegalArgumentException("bins is required");
    this.bins = bins;
  }

  /**
   * The state of an observation.
   *
   * @param links the offload peers whose RSSI is part of the state ({@link ActionSpace#links()}); links the
   *     observation lacks get bin {@link StateKey#UNKNOWN}, links it has beyond these are ignored
   */
  public StateKey key(Observation o, Collection<String> links) {
    ModelFeatures f = o.features();
    Observation.Condition c = o.condition();
    List<StateKey.LinkBin> linkBins = new ArrayList<>(links.size());
    for (String peer : new TreeSet<>(links)) {
      Double rssi = c.linkRssiDbm().get(peer);
      linkBins.add(new StateKey.LinkBin(peer, rssi == null ? StateKey.UNKNOWN : bins.rssiDbm().bin(rssi)));
    }
    return new StateKey(
        bins.convLayers().bin(f.convLayers()),
        bins.fcLayers().bin(f.fcLayers()),
        bins.recurrentLayers().bin(f.recurrentLayers()),
        bins.macs().bin(f.macs()),
        bins.coRunnerCpu().bin(c.coRunnerCpu()),
        bins.memoryPressure().bin(c.memoryPressure()),
        linkBins);
  }

  /** The readable text of a key: space-separated {@code axis+label} tokens. */
  public String text(StateKey k) {
    StringBuilder b = new StringBuilder()
        .append("conv").append(bins.convLayers().label(k.convBin()))
        .append(" fc").append(bins.fcLayers().label(k.fcBin()))
        .append(" rnn").append(bins.recurrentLayers().label(k.recurrentBin()))
        .append(" macs").append(bins.macs().label(k.macsBin()))
        .append(" cpu").append(bins.coRunnerCpu().label(k.coRunnerCpuBin()))
        .append(" mem").append(bins.memoryPressure().label(k.memoryPressureBin()));
    for (StateKey.LinkBin l : k.links()) {
      b.append(" rssi[").append(l.peerId()).append(']')
          .append(l.rssiBin() == StateKey.UNKNOWN ? "=unknown" : bins.rssiDbm().label(l.rssiBin()));
    }
    return b.toString();
  }

  /** Parses {@link #text}; throws {@link IllegalArgumentException} naming the bad token. */
  public StateKey parse(String text) {
    if (text == null) throw new IllegalArgumentException("state text is required");
    String[] t = text.trim().split(" +");
    if (t.length < 6) throw new IllegalArgumentException("state '" + text + "' must have at least 6 tokens");
    int conv = axis(text, t[0], "conv", bins.convLayers());
    int fc = axis(text, t[1], "fc", bins.fcLayers());
    int rnn = axis(text, t[2], "rnn", bins.recurrentLayers());
    int macs = axis(text, t[3], "macs", bins.macs());
    int cpu = axis(text, t[4], "cpu", bins.coRunnerCpu());
    int mem = axis(text, t[5], "mem", bins.memoryPressure());
    List<StateKey.LinkBin> links = new ArrayList<>();
    for (int i = 6; i < t.length; i++) {
      String tok = t[i];
      int close = tok.indexOf(']');
      if (!tok.startsWith("rssi[") || close < 0) {
        throw new IllegalArgumentException("state '" + text + "': token '" + tok + "' is not rssi[peer]=label");
      }
      String peer = tok.substring(5, close);
      String label = tok.substring(close + 1);
      int bin = "=unknown".equals(label) ? StateKey.UNKNOWN : bins.rssiDbm().binOfLabel(label);
      if (bin == -1 && !"=unknown".equals(label)) {
        throw new IllegalArgumentException("state '" + text + "': unknown rssi bin '" + label + "' for " + peer);
      }
      links.add(new StateKey.LinkBin(peer, bin));
    }
    return new StateKey(conv, fc, rnn, macs, cpu, mem, links);
  }

  private static int axis(String text, String token, String name, Bins b) {
    if (!token.startsWith(name)) {
      throw new IllegalArgumentException("state '" + text + "': expected axis '" + name + "', got '" + token + "'");
    }
    int bin = b.binOfLabel(token.substring(name.length()));
    if (bin < 0) throw new IllegalArgumentException("state '" + text + "': unknown bin '" + token + "'");
    return bin;
  }
}
