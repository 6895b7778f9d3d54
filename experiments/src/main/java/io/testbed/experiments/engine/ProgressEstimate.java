package io.testbed.experiments.engine;

import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.loadgen.TestMode;

/**
 * Estimates how many queries a repetition will issue and how long the rest of the run takes, from LoadGen's stopping
 * rules (performance mode: both the min duration and the min query count, capped by the max limits; accuracy mode:
 * every sample once) and the rate seen so far. Pure; the runner's progress reports use it.
 *
 * @param queriesTotal expected queries of the current repetition; null while there is nothing to base it on
 * @param etaSeconds expected seconds until the whole run (all repetitions) ends; null while unknown
 */
public record ProgressEstimate(Long queriesTotal, Double etaSeconds) {

  /**
   * @param s the current repetition's settings
   * @param issued queries issued so far in this repetition
   * @param elapsedNs time since the repetition started
   * @param repetitionsLeft repetitions still to run after the current one
   */
  public static ProgressEstimate of(LoadGenSettings s, long issued, long elapsedNs, int repetitionsLeft) {
    double elapsedS = Math.max(0, elapsedNs) / 1e9;
    if (s.mode() == TestMode.ACCURACY) {
      long total = (s.datasetSamples() + s.samplesPerQuery() - 1) / s.samplesPerQuery();
      return withRate(total, issued, elapsedS, repetitionsLeft);
    }
    if (s.scenario() == Scenario.OFFLINE) return new ProgressEstimate(1L, null);
    double minDurationS = s.minDurationNs() / 1e9;
    double maxDurationS = s.maxDurationNs() == 0 ? Double.POSITIVE_INFINITY : s.maxDurationNs() / 1e9;
    double rate = s.scenario() == Scenario.SERVER ? s.targetQps() : elapsedS > 0 && issued > 0 ? issued / elapsedS : 0;
    if (rate <= 0) return new ProgressEstimate(null, null);
    double byDuration = rate * minDurationS;
    double total = Math.max(s.minQueryCount(), byDuration);
    total = Math.min(total, rate * maxDurationS);
    if (s.maxQueryCount() > 0) total = Math.min(total, s.maxQueryCount());
    long totalQueries = Math.max(issued, (long) Math.ceil(total));
    double repetitionS = totalQueries / rate;
    double leftS = Math.max(0, repetitionS - elapsedS);
    return new ProgressEstimate(totalQueries, leftS + repetitionsLeft * repetitionS);
  }

  private static ProgressEstimate withRate(long total, long issued, double elapsedS, int repetitionsLeft) {
    if (issued <= 0 || elapsedS <= 0) return new ProgressEstimate(total, null);
    double rate = issued / elapsedS;
    double repetitionS = total / rate;
    return new ProgressEstimate(total, Math.max(0, repetitionS - elapsedS) + repetitionsLeft * repetitionS);
  }
}
