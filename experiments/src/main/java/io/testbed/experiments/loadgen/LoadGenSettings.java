package io.testbed.experiments.loadgen;

import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution;

import java.util.SplittableRandom;

/**
 * Everything LoadGen needs for one run, with every default already applied (durations in ns; 0 means "no limit" for
 * the max limits and "no bound" for {@code latencyBoundNs}). Built from a spec by
 * {@code io.testbed.experiments.spec.ExperimentPlan}, or with {@link #builder} in code.
 */
public record LoadGenSettings(
    Scenario scenario,
    TestMode mode,
    int samplesPerQuery,
    double targetQps,
    long latencyBoundNs,
    double targetLatencyPercentile,
    long minDurationNs,
    long minQueryCount,
    long maxDurationNs,
    long maxQueryCount,
    int offlineSamples,
    int datasetSamples,
    long queryTimeoutNs,
    double maxFailedFraction,
    boolean earlyStopping,
    double confidence,
    long scheduleSeed,
    long sampleSeed,
    QuerySizeDistribution querySize,
    long sizeSeed) {

  public static final long DEFAULT_MIN_DURATION_MS = 10_000;
  public static final int DEFAULT_SAMPLES_MULTI_STREAM = 8;
  public static final int DEFAULT_OFFLINE_SAMPLES = 1024;
  public static final int DEFAULT_DATASET_SAMPLES = 1024;
  public static final long DEFAULT_QUERY_TIMEOUT_MS = 30_000;
  public static final double DEFAULT_CONFIDENCE = 0.99;

  public LoadGenSettings {
    if (scenario == null || mode == null) throw new IllegalArgumentException("scenario and mode are required");
    if (samplesPerQuery < 1) throw new IllegalArgumentException("samplesPerQuery must be >= 1");
    if (querySize != null && scenario != Scenario.SERVER) throw new IllegalArgumentException("querySize applies to Server only");
    if (scenario == Scenario.SERVER && !(targetQps > 0)) throw new IllegalArgumentException("Server needs targetQps > 0");
    if (scenario == Scenario.SERVER && latencyBoundNs <= 0) throw new IllegalArgumentException("Server needs a latency bound");
    if (!(targetLatencyPercentile > 0 && targetLatencyPercentile < 1)) {
      throw new IllegalArgumentException("targetLatencyPercentile must be in (0, 1)");
    }
    if (minDurationNs < 0 || minQueryCount < 1 || maxDurationNs < 0 || maxQueryCount < 0) {
      throw new IllegalArgumentException("limits must be >= 0 (minQueryCount >= 1)");
    }
    if (offlineSamples < 1 || datasetSamples < 1) throw new IllegalArgumentException("sample counts must be >= 1");
    if (queryTimeoutNs <= 0) throw new IllegalArgumentException("queryTimeoutNs must be > 0");
    if (!(maxFailedFraction >= 0 && maxFailedFraction <= 1)) throw new IllegalArgumentException("maxFailedFraction in [0, 1]");
    if (!(confidence > 0 && confidence < 1)) throw new IllegalArgumentException("confidence must be in (0, 1)");
  }

  /** The documented defaults for a scenario (README "Spec reference"). */
  public static long defaultMinQueryCount(Scenario s) {
    return switch (s) {
      case SINGLE_STREAM, SERVER -> 1024;
      case MULTI_STREAM -> 662; // h(1) + 1 at p = 0.99 (SYSTEMS.md section 7)
      case OFFLINE -> 1;
    };
  }

  public static Builder builder(Scenario scenario) { return new Builder(scenario); }

  public Builder toBuilder() {
    Builder b = new Builder(scenario);
    b.mode = mode;
    b.samplesPerQuery = samplesPerQuery;
    b.targetQps = targetQps;
    b.latencyBoundNs = latencyBoundNs;
    b.targetLatencyPercentile = targetLatencyPercentile;
    b.minDurationNs = minDurationNs;
    b.minQueryCount = minQueryCount;
    b.maxDurationNs = maxDurationNs;
    b.maxQueryCount = maxQueryCount;
    b.offlineSamples = offlineSamples;
    b.datasetSamples = datasetSamples;
    b.queryTimeoutNs = queryTimeoutNs;
    b.maxFailedFraction = maxFailedFraction;
    b.earlyStopping = earlyStopping;
    b.confidence = confidence;
    b.scheduleSeed = scheduleSeed;
    b.sampleSeed = sampleSeed;
    return b;
  }

  public LoadGenSettings withTargetQps(double qps) { return toBuilder().targetQps(qps).build(); }

  /** Samples in each query of this run (Offline: all of them in one query). */
  public int effectiveSamplesPerQuery() {
    if (scenario == Scenario.OFFLINE) return mode == TestMode.ACCURACY ? datasetSamples : offlineSamples;
    return samplesPerQuery;
  }

  /** Fluent construction with the documented defaults. */
  public static final class Builder {
    private final Scenario scenario;
    private TestMode mode = TestMode.PERFORMANCE;
    private int samplesPerQuery;
    private double targetQps;
    private long latencyBoundNs;
    private double targetLatencyPercentile;
    private long minDurationNs = DEFAULT_MIN_DURATION_MS * 1_000_000L;
    private long minQueryCount;
    private long maxDurationNs;
    private long maxQueryCount;
    private int offlineSamples = DEFAULT_OFFLINE_SAMPLES;
    private int datasetSamples = DEFAULT_DATASET_SAMPLES;
    private long queryTimeoutNs = DEFAULT_QUERY_TIMEOUT_MS * 1_000_000L;
    private double maxFailedFraction;
    private boolean earlyStopping = true;
    private double confidence = DEFAULT_CONFIDENCE;
    private long scheduleSeed;
    private long sampleSeed;
    private QuerySizeDistribution querySize;
    private long sizeSeed;

    private Builder(Scenario scenario) {
      this.scenario = scenario;
      this.samplesPerQuery = scenario == Scenario.MULTI_STREAM ? DEFAULT_SAMPLES_MULTI_STREAM : 1;
      this.targetLatencyPercentile = scenario.defaultPercentile();
      this.minQueryCount = defaultMinQueryCount(scenario);
      seed(1);
    }

    public Builder mode(TestMode v) { mode = v; return this; }
    public Builder samplesPerQuery(int v) { samplesPerQuery = v; return this; }
    public Builder targetQps(double v) { targetQps = v; return this; }
    public Builder latencyBoundNs(long v) { latencyBoundNs = v; return this; }
    public Builder latencyBoundMs(double v) { latencyBoundNs = Math.round(v * 1e6); return this; }
    public Builder targetLatencyPercentile(double v) { targetLatencyPercentile = v; return this; }
    public Builder minDurationNs(long v) { minDurationNs = v; return this; }
    public Builder minDurationMs(long v) { minDurationNs = v * 1_000_000L; return this; }
    public Builder minQueryCount(long v) { minQueryCount = v; return this; }
    public Builder maxDurationNs(long v) { maxDurationNs = v; return this; }
    public Builder maxDurationMs(long v) { maxDurationNs = v * 1_000_000L; return this; }
    public Builder maxQueryCount(long v) { maxQueryCount = v; return this; }
    public Builder offlineSamples(int v) { offlineSamples = v; return this; }
    public Builder datasetSamples(int v) { datasetSamples = v; return this; }
    public Builder queryTimeoutNs(long v) { queryTimeoutNs = v; return this; }
    public Builder queryTimeoutMs(long v) { queryTimeoutNs = v * 1_000_000L; return this; }
    public Builder maxFailedFraction(double v) { maxFailedFraction = v; return this; }
    public Builder earlyStopping(boolean v) { earlyStopping = v; return this; }
    public Builder confidence(double v) { confidence = v; return this; }
    public Builder scheduleSeed(long v) { scheduleSeed = v; return this; }
    public Builder sampleSeed(long v) { sampleSeed = v; return this; }
    /** Server: draw each query's item count from {@code d} (null = none). */
    public Builder querySize(QuerySizeDistribution d) { querySize = d; return this; }
    public Builder sizeSeed(long v) { sizeSeed = v; return this; }

    /** Derives the schedule and sample-index seeds from one repetition seed (independent streams). */
    public Builder seed(long repetitionSeed) {
      SplittableRandom r = new SplittableRandom(repetitionSeed);
      scheduleSeed = r.nextLong();
      sampleSeed = r.nextLong();
      sizeSeed = r.nextLong(); // drawn third, so the schedule and sample streams are what they were before it
      return this;
    }

    public LoadGenSettings build() {
      return new LoadGenSettings(scenario, mode, samplesPerQuery, targetQps, latencyBoundNs, targetLatencyPercentile,
          minDurationNs, minQueryCount, maxDurationNs, maxQueryCount, offlineSamples, datasetSamples, queryTimeoutNs,
          maxFailedFraction, earlyStopping, confidence, scheduleSeed, sampleSeed, querySize, sizeSeed);
    }
  }
}
