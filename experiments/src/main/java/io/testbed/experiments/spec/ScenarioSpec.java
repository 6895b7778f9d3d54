package io.testbed.experiments.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.loadgen.TestMode;
import io.testbed.experiments.loadgen.querysize.QuerySizeSpec;

/**
 * The LoadGen scenario of an experiment (SYSTEMS.md section 7). Every field but {@code kind} is optional; the
 * defaults are applied by {@link ExperimentPlan} and listed in the README.
 *
 * @param samplesPerQuery samples in one query (MultiStream: default 8; others 1)
 * @param targetQps Server: mean arrival rate of the Poisson process
 * @param latencyBoundMs Server: the latency bound its target percentile must meet; SingleStream/MultiStream:
 *     optional bound on their target percentile
 * @param targetLatencyPercentile the percentile the scenario is judged on (SingleStream 0.90, others 0.99)
 * @param offlineSamples Offline: number of samples in its single query
 * @param datasetSamples size of the sample set queries draw from; accuracy mode issues each once
 * @param queryTimeoutMs a query with no completion after this long counts as a timeout
 * @param maxFailedFraction share of failed queries above which a run is INVALID (default 0)
 * @param confidence early-stopping confidence (default 0.99)
 * @param querySize Server only: items per query (recommendation load; {@link QuerySizeSpec}); null = none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "mode", "samplesPerQuery", "targetQps", "latencyBoundMs", "targetLatencyPercentile",
    "minDurationMs", "minQueryCount", "maxDurationMs", "maxQueryCount", "offlineSamples", "datasetSamples",
    "queryTimeoutMs", "maxFailedFraction", "earlyStopping", "confidence", "querySize"})
public record ScenarioSpec(
    Scenario kind,
    TestMode mode,
    Integer samplesPerQuery,
    Double targetQps,
    Double latencyBoundMs,
    Double targetLatencyPercentile,
    Long minDurationMs,
    Long minQueryCount,
    Long maxDurationMs,
    Long maxQueryCount,
    Integer offlineSamples,
    Integer datasetSamples,
    Long queryTimeoutMs,
    Double maxFailedFraction,
    Boolean earlyStopping,
    Double confidence,
    QuerySizeSpec querySize) {

  /** Without a query-size distribution (the form before {@code querySize} existed). */
  public ScenarioSpec(Scenario kind, TestMode mode, Integer samplesPerQuery, Double targetQps, Double latencyBoundMs,
      Double targetLatencyPercentile, Long minDurationMs, Long minQueryCount, Long maxDurationMs, Long maxQueryCount,
      Integer offlineSamples, Integer datasetSamples, Long queryTimeoutMs, Double maxFailedFraction, Boolean earlyStopping,
      Double confidence) {
    this(kind, mode, samplesPerQuery, targetQps, latencyBoundMs, targetLatencyPercentile, minDurationMs, minQueryCount,
        maxDurationMs, maxQueryCount, offlineSamples, datasetSamples, queryTimeoutMs, maxFailedFraction, earlyStopping,
        confidence, null);
  }

  /** A scenario of the given kind with every optional field absent. */
  public static ScenarioSpec of(Scenario kind) {
    return new ScenarioSpec(kind, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null);
  }

  public ScenarioSpec withTargetQps(double qps) {
    return new ScenarioSpec(kind, mode, samplesPerQuery, qps, latencyBoundMs, targetLatencyPercentile, minDurationMs,
        minQueryCount, maxDurationMs, maxQueryCount, offlineSamples, datasetSamples, queryTimeoutMs, maxFailedFraction,
        earlyStopping, confidence, querySize);
  }
}
