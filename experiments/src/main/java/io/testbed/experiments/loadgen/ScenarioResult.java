package io.testbed.experiments.loadgen;

import java.util.List;

/**
 * The raw outcome of one LoadGen run, input to {@code io.testbed.experiments.analysis.Analysis}.
 *
 * @param records one per issued query, by query id
 * @param finalQueryScheduledNs scheduled time of the last issued query (Server's min-duration check)
 * @param finalQueryIssuedNs issue time of the last issued query (SingleStream/MultiStream's min-duration check)
 * @param durationNs from the start to the last completion (Offline's min-duration check)
 * @param lateCompletions completions that arrived after their query had timed out (ignored)
 * @param abortReason non-null when the run was cancelled
 */
public record ScenarioResult(
    LoadGenSettings settings,
    List<QueryRecord> records,
    long finalQueryScheduledNs,
    long finalQueryIssuedNs,
    long durationNs,
    long lateCompletions,
    List<AppliedEvent> events,
    String abortReason) {
  public ScenarioResult {
    records = List.copyOf(records);
    events = List.copyOf(events);
  }

  public long queriesIssued() { return records.size(); }

  public long samplesIssued() { return records.stream().mapToLong(QueryRecord::sampleCount).sum(); }

  public boolean aborted() { return abortReason != null; }
}
