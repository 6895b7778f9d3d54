package io.testbed.orchestrator.policy.autoscale;

import java.util.List;

/**
 * AutoScale's discretised state (SYSTEMS.md section 1): one bin index per axis, and one RSSI bin per offload link,
 * links sorted by peer id. Made by {@link StateDiscretiser#key}; its readable text form
 * ({@link StateDiscretiser#text}) is what the Q-table's JSON and the REST API show.
 */
public record StateKey(
    int convBin, int fcBin, int recurrentBin, int macsBin, int coRunnerCpuBin, int memoryPressureBin,
    List<LinkBin> links) {

  /** The RSSI bin of a link the observation did not report. */
  public static final int UNKNOWN = -1;

  /** The RSSI bin of one offload link. */
  public record LinkBin(String peerId, int rssiBin) {
    public LinkBin {
      if (peerId == null || peerId.isBlank()) throw new IllegalArgumentException("peerId is required");
    }
  }

  public StateKey {
    links = List.copyOf(links);
    for (int i = 1; i < links.size(); i++) {
      if (links.get(i - 1).peerId().compareTo(links.get(i).peerId()) >= 0) {
        throw new IllegalArgumentException("links must be sorted by distinct peer id, were " + links);
      }
    }
  }
}
