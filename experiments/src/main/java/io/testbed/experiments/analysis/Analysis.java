package io.testbed.experiments.analysis;

import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.loadgen.ScenarioResult;
import io.testbed.experiments.loadgen.TestMode;
import io.testbed.protocol.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a {@link ScenarioResult} into a {@link Summary}: statistics, the scenario's metric and the VALID/INVALID
 * verdict by MLPerf's rules (SYSTEMS.md section 7: min duration, min queries, the latency constraint, early stopping)
 * plus the testbed's own (failed queries, accuracy target, aborted runs). Pure: same input, same summary.
 */
public final class Analysis {
  private Analysis() {}

  public static Summary summarize(ScenarioResult run, SummaryOptions options) {
    LoadGenSettings s = run.settings();
    List<QueryRecord> records = run.records();
    boolean accuracyMode = s.mode() == TestMode.ACCURACY;
    Scenario scenario = s.scenario();
    double p = s.targetLatencyPercentile();
    String pct = EarlyStopping.percentName(p);

    long queryCount = records.size();
    long[] okLatencies = records.stream().filter(QueryRecord::succeeded).mapToLong(QueryRecord::latencyNs).sorted().toArray();
    // For the checks a failed query counts as infinitely late.
    long[] effective = records.stream().mapToLong(r -> r.succeeded() ? r.latencyNs() : Long.MAX_VALUE).sorted().toArray();
    long completed = okLatencies.length;
    long failed = queryCount - completed;
    long timedOut = records.stream().filter(r -> r.outcome() == Outcome.TIMEOUT).count();
    long sampleCount = records.stream().filter(QueryRecord::succeeded).mapToLong(QueryRecord::sampleCount).sum();
    LatencyStats latency = completed == 0 ? null : LatencyStats.of(okLatencies);
    Long pctLatency = completed == 0 ? null : LatencyStats.percentile(okLatencies, p);
    long effPct = queryCount == 0 ? Long.MAX_VALUE : LatencyStats.percentile(effective, p);

    List<String> reasons = new ArrayList<>();
    List<String> recommendations = new ArrayList<>();
    if (queryCount == 0) reasons.add("no query was issued");
    else if (completed == 0) reasons.add("no query completed successfully");
    if (run.aborted()) reasons.add("aborted: " + run.abortReason());

    // Throughput figures, in MLPerf's definitions.
    double durationS = run.durationNs() / 1e9;
    double samplesPerSecond = durationS > 0 ? sampleCount / durationS : 0;
    Double completedSps = null;
    Double scheduledSps = null;
    Double qpsWithLg = null;
    Double qpsWithoutLg = null;
    if (scenario == Scenario.SERVER && sampleCount > 1) {
      completedSps = durationS > 0 ? (sampleCount - 1) / durationS : null;
      scheduledSps = run.finalQueryScheduledNs() > 0 ? (sampleCount - 1) / (run.finalQueryScheduledNs() / 1e9) : null;
    }
    if (scenario == Scenario.SINGLE_STREAM && sampleCount > 1) {
      qpsWithLg = run.finalQueryIssuedNs() > 0 ? (sampleCount - 1) / (run.finalQueryIssuedNs() / 1e9) : null;
      qpsWithoutLg = latency != null && latency.meanNs() > 0 ? 1e9 / latency.meanNs() : null;
    }

    Check minDuration;
    Check minQueries;
    Check perf;
    Check early;
    Long overLatency = null;
    Long esEstimate = null;
    String esText = null;
    long bound = s.latencyBoundNs();
    if (bound > 0) overLatency = Arrays.stream(effective).filter(v -> v > bound).count();

    if (accuracyMode) {
      minDuration = Check.SKIPPED;
      early = Check.SKIPPED;
      perf = Check.SKIPPED;
      long samplesIssued = run.samplesIssued();
      minQueries = Check.of(samplesIssued == s.datasetSamples());
      if (minQueries.failed()) {
        reasons.add("accuracy mode must issue every sample once: issued " + samplesIssued + " of " + s.datasetSamples());
      }
    } else {
      long measured = switch (scenario) {
        case SERVER -> run.finalQueryScheduledNs();
        case SINGLE_STREAM, MULTI_STREAM -> run.finalQueryIssuedNs();
        case OFFLINE -> run.durationNs();
      };
      minDuration = Check.of(measured >= s.minDurationNs());
      if (minDuration.failed()) {
        reasons.add(String.format(Locale.ROOT, "min duration not met: %.1f ms < %d ms", measured / 1e6,
            s.minDurationNs() / 1_000_000));
        recommendations.add(switch (scenario) {
          case SERVER -> "Increase the target QPS or the max duration so more queries are scheduled.";
          case OFFLINE -> "Increase offlineSamples so the single query lasts longer.";
          default -> "Raise maxDurationMs / maxQueryCount: the run stopped before the min duration.";
        });
      }
      minQueries = Check.of(queryCount >= s.minQueryCount());
      if (minQueries.failed()) {
        reasons.add("min queries not met: " + queryCount + " < " + s.minQueryCount());
        recommendations.add("The test stopped before enough queries were issued (max limit or abort).");
      }
      if (scenario == Scenario.OFFLINE) {
        perf = Check.NOT_APPLICABLE;
      } else if (bound > 0) {
        perf = Check.of(queryCount > 0 && effPct <= bound);
        if (perf.failed()) {
          reasons.add(String.format(Locale.ROOT, "latency constraint failed: %s percentile %s > bound %d ns", pct,
              effPct == Long.MAX_VALUE ? "(a failed query)" : effPct + " ns", bound));
          recommendations.add(scenario == Scenario.SERVER ? "Reduce target QPS to improve latency."
              : "The target percentile exceeds latencyBoundMs.");
        }
      } else {
        perf = Check.NOT_APPLICABLE;
      }
      if (scenario == Scenario.OFFLINE) {
        early = Check.NOT_APPLICABLE;
      } else if (!s.earlyStopping()) {
        early = Check.SKIPPED;
      } else {
        EarlyStopping.Estimate e = scenario == Scenario.SERVER
            ? EarlyStopping.server(queryCount, overLatency, p, s.confidence())
            : EarlyStopping.estimate(effective, p, s.confidence());
        early = Check.of(e.met());
        esText = e.recommendation();
        if (e.estimateNs() >= 0) esEstimate = e.estimateNs();
        if (!e.met()) reasons.add("early stopping not met: need at least " + e.queriesNeeded() + " queries, ran " + queryCount);
      }
    }

    Check failedCheck = Check.of(queryCount > 0 && failed <= s.maxFailedFraction() * queryCount);
    if (queryCount > 0 && failedCheck.failed()) {
      reasons.add(String.format(Locale.ROOT, "too many failed queries: %d of %d (%.2f%%) > %.2f%%", failed, queryCount,
          100.0 * failed / queryCount, 100 * s.maxFailedFraction()));
    }

    AccuracyResult accuracy = null;
    Check accuracyCheck = Check.NOT_APPLICABLE;
    if (accuracyMode && options.reference() != null) {
      accuracy = accuracy(records, options.reference());
      if (accuracy.missingReference() > 0) {
        accuracyCheck = Check.NO;
        reasons.add("no FP32 reference output for " + accuracy.missingReference() + " queries");
      } else if (options.accuracyTarget() != null) {
        accuracyCheck = Check.of(accuracy.accuracy() >= options.accuracyTarget());
        if (accuracyCheck.failed()) {
          reasons.add(String.format(Locale.ROOT, "accuracy below target: %.4f < %.4f", accuracy.accuracy(),
              options.accuracyTarget()));
        }
      } else {
        accuracyCheck = Check.SKIPPED;
      }
    } else if (accuracyMode) {
      accuracyCheck = Check.SKIPPED;
    }

    String metricName;
    double metricValue;
    boolean higherIsBetter;
    switch (scenario) {
      case SERVER -> {
        metricName = "Completed samples per second";
        metricValue = completedSps == null ? 0 : completedSps;
        higherIsBetter = true;
      }
      case OFFLINE -> {
        metricName = "Samples per second";
        metricValue = samplesPerSecond;
        higherIsBetter = true;
      }
      default -> {
        metricName = pct + " percentile latency (ns)";
        metricValue = pctLatency == null ? 0 : pctLatency;
        higherIsBetter = false;
      }
    }

    long[] delays = records.stream().mapToLong(QueryRecord::issueDelayNs).sorted().toArray();
    Double qosViolation = null;
    if (options.qosLatencyNs() > 0 && queryCount > 0) {
      long over = records.stream().filter(r -> !r.succeeded() || r.latencyNs() > options.qosLatencyNs()).count();
      qosViolation = (double) over / queryCount;
    }

    boolean valid = reasons.isEmpty();
    return new Summary(options.sutName(), scenario.mlperfName(), s.mode().mlperfName(),
        valid ? Summary.VALID : Summary.INVALID, reasons, recommendations, perf, minDuration, minQueries, early, failedCheck,
        accuracyCheck, metricName, metricValue, higherIsBetter, queryCount, sampleCount, completed, failed, timedOut,
        overLatency, run.durationNs(), run.finalQueryScheduledNs(), run.finalQueryIssuedNs(), samplesPerSecond,
        completedSps, scheduledSps, qpsWithLg, qpsWithoutLg, p, pctLatency, esEstimate, esText, latency,
        delays.length == 0 ? 0 : LatencyStats.percentile(delays, 0.50),
        delays.length == 0 ? 0 : LatencyStats.percentile(delays, 0.99),
        delays.length == 0 ? 0 : delays[delays.length - 1], qosViolation, accuracy, energy(records),
        run.lateCompletions(), run.abortReason(), testParameters(s));
  }

  static AccuracyResult accuracy(List<QueryRecord> records, AccuracyReference reference) {
    long matched = 0;
    long missing = 0;
    for (QueryRecord r : records) {
      Optional<String> expected = reference.digest(r.sampleIndices());
      if (expected.isEmpty()) {
        missing++;
      } else if (r.succeeded() && expected.get().equals(r.digest())) {
        matched++;
      }
    }
    double acc = records.isEmpty() ? 0 : (double) matched / records.size();
    return new AccuracyResult(records.size(), matched, missing, acc);
  }

  static EnergyStats energy(List<QueryRecord> records) {
    List<QueryRecord> known = records.stream().filter(r -> r.energyJ() != null).toList();
    if (known.isEmpty()) return null;
    double total = known.stream().mapToDouble(QueryRecord::energyJ).sum();
    TreeSet<String> sources = new TreeSet<>();
    Map<String, double[]> perDevice = new TreeMap<>();
    for (QueryRecord r : known) {
      sources.add(r.energySource().wireName());
      double[] acc = perDevice.computeIfAbsent(r.device() == null ? "unknown" : r.device(), k -> new double[2]);
      acc[0] += r.energyJ();
      acc[1]++;
    }
    Map<String, Double> means = new LinkedHashMap<>();
    perDevice.forEach((d, acc) -> means.put(d, acc[0] / acc[1]));
    return new EnergyStats(known.size(), total, total / known.size(), List.copyOf(sources), means);
  }

  /** Settings under MLPerf's "Test Parameters Used" names, then the testbed's own. */
  private static Map<String, String> testParameters(LoadGenSettings s) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("samples_per_query", String.valueOf(s.effectiveSamplesPerQuery()));
    m.put("target_qps", String.valueOf(s.targetQps()));
    m.put("target_latency (ns)", String.valueOf(s.latencyBoundNs()));
    m.put("target_latency_percentile", String.valueOf(s.targetLatencyPercentile()));
    m.put("max_async_queries", "0");
    m.put("min_duration (ms)", String.valueOf(s.minDurationNs() / 1_000_000));
    m.put("max_duration (ms)", String.valueOf(s.maxDurationNs() / 1_000_000));
    m.put("min_query_count", String.valueOf(s.minQueryCount()));
    m.put("max_query_count", String.valueOf(s.maxQueryCount()));
    m.put("sample_index_rng_seed", String.valueOf(s.sampleSeed()));
    m.put("schedule_rng_seed", String.valueOf(s.scheduleSeed()));
    m.put("performance_sample_count", String.valueOf(s.datasetSamples()));
    m.put("early_stopping", String.valueOf(s.earlyStopping()));
    m.put("early_stopping_confidence", String.valueOf(s.confidence()));
    m.put("query_timeout (ms)", String.valueOf(s.queryTimeoutNs() / 1_000_000));
    m.put("max_failed_fraction", String.valueOf(s.maxFailedFraction()));
    return m;
  }
}
