package io.testbed.agent.network;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a signal strength (dBm) to link conditions, one table per {@link RadioTechnology}. Each table is a step
 * function: a row applies from its {@code rssiDbm} up to the next stronger row; signals weaker than the weakest row get
 * the weakest row. The shipped tables (reference.conf {@code testbed.agent.network.rssi-map}, README "RSSI maps")
 * follow:
 * <ul>
 *   <li>Wi-Fi: IEEE 802.11-2012 Table 20-22 (802.11n receiver minimum input sensitivity per MCS, 20 MHz: MCS0 -82 dBm
 *       ... MCS7 -64 dBm) with the MCS PHY rates 6.5-65 Mb/s x 0.65 MAC efficiency for the goodput; RTT, jitter and
 *       loss rising below -75 dBm are our defaults (MAC retries at low SNR), in line with the signal-strength study of
 *       Ding et al., SIGMETRICS 2013;</li>
 *   <li>LTE: 3GPP TS 36.213 Table 7.2.3-1 (CQI -> spectral efficiency, 0.15-5.55 bit/symbol) x 8.4 Msymbol/s (10 MHz,
 *       50 PRB x 12 subcarriers x 14 symbols/ms) x 0.75 (control and reference-signal overhead), with a default RSRP
 *       -> CQI ladder (-75 dBm -> CQI 15 ... -115 dBm -> CQI 1); base RTT after Huang et al., MobiSys 2012 (LTE RTT
 *       tens of ms), loss after HARQ/RLC small until the cell edge.</li>
 * </ul>
 */
public final class RssiLinkMap {
  /** One row: from {@code rssiDbm} (inclusive) upward, until the next stronger row. */
  public record Row(double rssiDbm, double rateMbps, double rttMs, double jitterMs, double lossPct) {
    public Row {
      if (!Double.isFinite(rssiDbm)) throw new IllegalArgumentException("rssi-dbm must be finite, was " + rssiDbm);
      if (!(rateMbps > 0) || Double.isInfinite(rateMbps)) throw new IllegalArgumentException("rate-mbps must be > 0, was " + rateMbps);
      if (!(rttMs >= 0) || Double.isInfinite(rttMs)) throw new IllegalArgumentException("rtt-ms must be >= 0, was " + rttMs);
      if (!(jitterMs >= 0) || Double.isInfinite(jitterMs)) throw new IllegalArgumentException("jitter-ms must be >= 0, was " + jitterMs);
      if (!(lossPct >= 0 && lossPct < 100)) throw new IllegalArgumentException("loss-pct must be in [0, 100), was " + lossPct);
    }
  }

  private final Map<RadioTechnology, List<Row>> tables;

  /** @param tables rows per technology, any order; every technology needs at least one row */
  public RssiLinkMap(Map<RadioTechnology, List<Row>> tables) {
    Map<RadioTechnology, List<Row>> t = new EnumMap<>(RadioTechnology.class);
    for (RadioTechnology tech : RadioTechnology.values()) {
      List<Row> rows = tables.get(tech);
      if (rows == null || rows.isEmpty()) throw new IllegalArgumentException("rssi-map." + tech.wireName() + " needs at least one row");
      List<Row> sorted = new ArrayList<>(rows);
      sorted.sort(Comparator.comparingDouble(Row::rssiDbm).reversed());
      for (int i = 1; i < sorted.size(); i++) {
        if (sorted.get(i).rssiDbm() == sorted.get(i - 1).rssiDbm()) {
          throw new IllegalArgumentException("rssi-map." + tech.wireName() + ": two rows at " + sorted.get(i).rssiDbm() + " dBm");
        }
      }
      t.put(tech, List.copyOf(sorted));
    }
    this.tables = t;
  }

  /** The row of {@code tech} that applies at {@code rssiDbm}. */
  public Row row(RadioTechnology tech, double rssiDbm) {
    List<Row> rows = tables.get(tech);
    for (Row r : rows) if (rssiDbm >= r.rssiDbm()) return r;
    return rows.get(rows.size() - 1);
  }

  /** Link conditions at {@code rssiDbm}: one-way delay = RTT / 2 per direction. */
  public LinkConditions conditions(RadioTechnology tech, double rssiDbm) {
    Row r = row(tech, rssiDbm);
    return new LinkConditions(r.rttMs() / 2, r.jitterMs(), r.rateMbps(), r.lossPct(), rssiDbm, tech);
  }

  /** The rows of one technology, strongest first. */
  public List<Row> rows(RadioTechnology tech) { return tables.get(tech); }
}
