package io.testbed.experiments.analysis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The judged result of one run: the content of {@code mlperf_log_summary.txt} and {@code summary.json}. Latency
 * statistics cover successful queries; the validity checks count failed queries as over any bound.
 *
 * @param scenario MLPerf scenario name ({@code Server}, ...)
 * @param mode MLPerf mode name ({@code PerformanceOnly}, {@code AccuracyOnly})
 * @param result {@code VALID} or {@code INVALID}
 * @param invalidReasons one line per failed check; empty when valid
 * @param recommendations what to change so the next run is valid (MLPerf's "Recommendations")
 * @param metricName the scenario's headline metric, as MLPerf names it
 * @param higherIsBetter true for throughput metrics, false for latency metrics
 * @param sampleCount samples of successful queries
 * @param failedQueries queries that did not succeed (including timeouts)
 * @param overLatencyCount queries over the latency bound (failed ones included); null without a bound
 * @param targetPercentileLatencyNs the scenario's percentile over successful queries; null when none succeeded
 * @param issueDelayP50Ns median of issued minus scheduled time (LoadGen's own issue error)
 * @param qosViolationRate share of queries failing or over {@code qos.latencyMs}; null without a QoS latency
 * @param testParameters the settings, under MLPerf's parameter names
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Summary(
    String sutName,
    String scenario,
    String mode,
    String result,
    List<String> invalidReasons,
    List<String> recommendations,
    Check performanceConstraints,
    Check minDuration,
    Check minQueries,
    Check earlyStopping,
    Check failedQueriesCheck,
    Check accuracyTarget,
    String metricName,
    double metricValue,
    boolean higherIsBetter,
    long queryCount,
    long sampleCount,
    long completedQueries,
    long failedQueries,
    long timedOutQueries,
    Long overLatencyCount,
    long durationNs,
    long finalQueryScheduledNs,
    long finalQueryIssuedNs,
    double samplesPerSecond,
    Double completedSamplesPerSecond,
    Double scheduledSamplesPerSecond,
    Double qpsWithLoadgenOverhead,
    Double qpsWithoutLoadgenOverhead,
    double targetLatencyPercentile,
    Long targetPercentileLatencyNs,
    Long earlyStoppingEstimateNs,
    String earlyStoppingResult,
    LatencyStats latency,
    long issueDelayP50Ns,
    long issueDelayP99Ns,
    long issueDelayMaxNs,
    Double qosViolationRate,
    AccuracyResult accuracy,
    EnergyStats energy,
    long lateCompletions,
    String abortReason,
    Map<String, String> testParameters) {

  public static final String VALID = "VALID";
  public static final String INVALID = "INVALID";

  public Summary {
    invalidReasons = List.copyOf(invalidReasons);
    recommendations = recommendations == null ? List.of() : List.copyOf(recommendations);
    testParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(testParameters));
  }

  @JsonIgnore
  public boolean valid() { return VALID.equals(result); }
}
