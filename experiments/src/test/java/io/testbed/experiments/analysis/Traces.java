package io.testbed.experiments.analysis;

import io.testbed.experiments.loadgen.AppliedEvent;
import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.experiments.loadgen.ScenarioResult;
import io.testbed.protocol.Outcome;
import java.util.ArrayList;
import java.util.List;

/** Builds ScenarioResults from known latency traces, laid out in time the way each scenario issues. */
final class Traces {
  static final long MS = 1_000_000L;

  private Traces() {}

  /** Back to back (SingleStream/MultiStream): each query scheduled when the previous completed. Negative = failed. */
  static ScenarioResult backToBack(LoadGenSettings s, long[] latencies) {
    List<QueryRecord> rs = new ArrayList<>();
    long t = 0;
    for (int i = 0; i < latencies.length; i++) {
      boolean ok = latencies[i] >= 0;
      long lat = Math.abs(latencies[i]);
      rs.add(record(i, s.effectiveSamplesPerQuery(), t, lat, ok));
      t += lat;
    }
    long lastIssued = rs.isEmpty() ? 0 : rs.get(rs.size() - 1).issuedNs();
    return new ScenarioResult(s, rs, lastIssued, lastIssued, t, 0, List.<AppliedEvent>of(), null);
  }

  /** Fixed arrival gap (Server-like). Negative latency = failed query. */
  static ScenarioResult arrivals(LoadGenSettings s, long gapNs, long[] latencies) {
    List<QueryRecord> rs = new ArrayList<>();
    long end = 0;
    for (int i = 0; i < latencies.length; i++) {
      boolean ok = latencies[i] >= 0;
      long lat = Math.abs(latencies[i]);
      rs.add(record(i, 1, i * gapNs, lat, ok));
      end = Math.max(end, i * gapNs + lat);
    }
    long last = (latencies.length - 1) * gapNs;
    return new ScenarioResult(s, rs, last, last, end, 0, List.of(), null);
  }

  static QueryRecord record(long id, int samples, long scheduledNs, long latencyNs, boolean ok) {
    List<Integer> idx = new ArrayList<>();
    for (int k = 0; k < samples; k++) idx.add((int) ((id * samples + k) % 1024));
    return new QueryRecord(id, samples, idx, scheduledNs, scheduledNs, scheduledNs + latencyNs, latencyNs, "phone-1",
        "cpu", ok ? Outcome.OK : Outcome.FAILED, ok ? null : "boom", null, null, "digest-" + id);
  }

  static long[] fill(int n, long value) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, value);
    return a;
  }
}
