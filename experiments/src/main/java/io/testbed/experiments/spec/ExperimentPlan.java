package io.testbed.experiments.spec;

import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.loadgen.TestMode;
import io.testbed.protocol.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * A valid spec with every default applied: the seeds and the LoadGen settings of each repetition. What the runner
 * executes; the defaults are the ones documented in the README.
 */
public record ExperimentPlan(ExperimentSpec spec, List<Long> seeds, List<Repetition> repetitions) {
  /** Base seed used when the spec gives neither seeds nor baseSeed. */
  public static final long DEFAULT_BASE_SEED = 1;

  public ExperimentPlan {
    seeds = List.copyOf(seeds);
    repetitions = List.copyOf(repetitions);
  }

  /** One repetition: 1-based index, its seed, and its settings (seeded from it). */
  public record Repetition(int index, long seed, LoadGenSettings settings) {}

  /** @throws InvalidSpecException listing every problem when the spec is not valid */
  public static ExperimentPlan of(ExperimentSpec spec) {
    List<SpecProblem> problems = SpecValidator.validate(spec);
    if (!problems.isEmpty()) throw new InvalidSpecException(problems);
    List<Long> seeds = seeds(spec.repetitions());
    List<Repetition> reps = new ArrayList<>();
    for (int i = 0; i < seeds.size(); i++) reps.add(new Repetition(i + 1, seeds.get(i), settings(spec.scenario(), seeds.get(i))));
    return new ExperimentPlan(spec, seeds, reps);
  }

  /** Explicit seeds, else {@code count} (default 1) consecutive seeds from {@code baseSeed} (default 1). */
  public static List<Long> seeds(RepetitionSpec r) {
    if (r != null && r.seeds() != null) return r.seeds();
    int count = r == null || r.count() == null ? 1 : r.count();
    long base = r == null || r.baseSeed() == null ? DEFAULT_BASE_SEED : r.baseSeed();
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < count; i++) seeds.add(base + i);
    return seeds;
  }

  /** LoadGen settings for one repetition: the spec's values, the documented defaults for the rest. */
  public static LoadGenSettings settings(ScenarioSpec s, long seed) {
    Scenario kind = s.kind();
    LoadGenSettings.Builder b = LoadGenSettings.builder(kind).seed(seed);
    if (s.mode() != null) b.mode(s.mode());
    if (s.samplesPerQuery() != null) b.samplesPerQuery(s.samplesPerQuery());
    if (s.targetQps() != null) b.targetQps(s.targetQps());
    if (s.latencyBoundMs() != null) b.latencyBoundMs(s.latencyBoundMs());
    if (s.targetLatencyPercentile() != null) b.targetLatencyPercentile(s.targetLatencyPercentile());
    if (s.minDurationMs() != null) b.minDurationMs(s.minDurationMs());
    if (s.minQueryCount() != null) b.minQueryCount(s.minQueryCount());
    if (s.maxDurationMs() != null) b.maxDurationMs(s.maxDurationMs());
    if (s.maxQueryCount() != null) b.maxQueryCount(s.maxQueryCount());
    if (s.offlineSamples() != null) b.offlineSamples(s.offlineSamples());
    if (s.datasetSamples() != null) b.datasetSamples(s.datasetSamples());
    if (s.queryTimeoutMs() != null) b.queryTimeoutMs(s.queryTimeoutMs());
    if (s.maxFailedFraction() != null) b.maxFailedFraction(s.maxFailedFraction());
    if (s.earlyStopping() != null) b.earlyStopping(s.earlyStopping());
    if (s.confidence() != null) b.confidence(s.confidence());
    if (s.querySize() != null) {
      // A spec sent over REST has no folder: an empirical file resolves against the working directory.
      var r = s.querySize().resolve(java.nio.file.Path.of("."), "scenario.querySize");
      if (!r.ok()) {
        throw new IllegalArgumentException(r.problems().stream().map(p -> p.path() + ": " + p.message())
            .collect(java.util.stream.Collectors.joining("; ")));
      }
      b.querySize(r.distribution());
    }
    return b.build();
  }

  public Precision precision() { return spec.precision() == null ? Precision.FP32 : spec.precision(); }

  public ExperimentSpec.OnDeviceLoss onDeviceLoss() {
    return spec.onDeviceLoss() == null ? ExperimentSpec.OnDeviceLoss.ABORT : spec.onDeviceLoss();
  }

  public TestMode mode() { return repetitions.get(0).settings().mode(); }

  /** The spec's {@code qos.latencyMs} in ns, 0 when none. */
  public long qosLatencyNs() {
    return spec.qos() == null || spec.qos().latencyMs() == null ? 0 : Math.round(spec.qos().latencyMs() * 1e6);
  }

  /** The spec's {@code qos.accuracy}, null when none. */
  public Double accuracyTarget() { return spec.qos() == null ? null : spec.qos().accuracy(); }
}
