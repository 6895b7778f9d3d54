package io.testbed.orchestrator.policy.autoscale;

import static io.testbed.orchestrator.policy.autoscale.SyntheticEnvironment.condition;

import io.testbed.protocol.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * Bench command (not a test): AutoScale, the static baselines, best static and the oracle on one synthetic trace with
 * interference and RSSI changes; prints the report table and requests-to-quality over seeded repetitions
 * (SYSTEMS.md sections 1 and 8) and writes them to {@code target/autoscale-figures.md}.
 */
public final class AutoScaleFigures {
  static final int PER_SEGMENT = 250;
  static final int REPETITIONS = 5;

  public static void main(String[] args) throws IOException {
    AutoScaleSettings settings = AutoScaleSettings.defaults()
        .withObjective(new AutoScaleSettings.Objective(50, 0.70, 10, 20, true));
    AutoScaleSettings.Objective o = settings.objective();
    StateDiscretiser d = new StateDiscretiser(settings.bins());
    ActionSpace space = AutoScaleFixtures.phoneSpace(AccuracyMask.byPrecision(
        Map.of(Precision.FP32, SyntheticEnvironment.FP32_ACCURACY, Precision.INT8, SyntheticEnvironment.INT8_ACCURACY),
        o.accuracyTarget()));
    Observation.Condition[] timeline = {
        condition(0, -60, -60), condition(0, -90, -60), condition(0.5, -90, -90), condition(0, -60, -60),
        condition(0.9, -90, -60), condition(0, -90, -90), condition(0.9, -60, -60), condition(0, -90, -60)};
    List<Observation.Condition> trace = TraceRunner.segments(PER_SEGMENT, timeline);
    Profile profile = new SyntheticEnvironment(30, 0, 0).profile(new LinkedHashSet<>(trace), space);
    Oracle oracle = new Oracle(profile, o);
    Map<Observation.Condition, Long> weights = new LinkedHashMap<>();
    trace.forEach(c -> weights.merge(c, 1L, Long::sum));

    long seed = 1;
    Map<String, List<RequestRecord>> runs = new LinkedHashMap<>();
    List<StaticPolicy> statics = new ArrayList<>();
    for (Optional<StaticPolicy> p : List.of(StaticPolicy.cpuOnly(space), StaticPolicy.gpuOnly(space),
        StaticPolicy.dspOnly(space), StaticPolicy.edgeOnly(space), StaticPolicy.cloudOnly(space))) {
      p.ifPresent(statics::add);
    }
    statics.add(BestStatic.choose(profile, space, o, weights));
    for (StaticPolicy p : statics) {
      runs.put(p.name(), TraceRunner.fixed(p, trace, new SyntheticEnvironment(30, 0.05, seed), oracle));
    }
    QLearner learner = QLearner.fresh(settings, space, new QTable.Id("phone-1", "mobilenet"), new SplittableRandom(seed));
    List<RequestRecord> autoscale = TraceRunner.learner("autoscale", learner, d, AutoScaleFixtures.MOBILENET, trace,
        new SyntheticEnvironment(30, 0.05, seed), oracle, o);
    runs.put("autoscale", autoscale);
    // The same with epsilon decaying per update (0.998 to a floor of 0.01): less exploration once learned.
    AutoScaleSettings decaying = settings.withLearning(new AutoScaleSettings.Learning(0.9, 0.1, 0.1, 0.998, 0.01, 0));
    runs.put("autoscale-decay", TraceRunner.learner("autoscale-decay",
        QLearner.fresh(decaying, space, new QTable.Id("phone-1", "mobilenet"), new SplittableRandom(seed)), d,
        AutoScaleFixtures.MOBILENET, trace, new SyntheticEnvironment(30, 0.05, seed), oracle, o));
    runs.put(Oracle.NAME, TraceRunner.oracle(oracle, space, trace, new SyntheticEnvironment(30, 0.05, seed)));

    ConvergenceCriterion c = ConvergenceCriterion.defaults();
    StringBuilder out = new StringBuilder();
    out.append("# AutoScale on the synthetic phone\n\n")
        .append(String.format(Locale.ROOT, "Trace: %d requests, %d segments of %d (%s); QoS %.0f ms, accuracy >= %.2f, "
            + "noise 5%%, seed %d; best static = %s.%n%n", trace.size(), timeline.length, PER_SEGMENT,
            String.join(" | ", java.util.Arrays.stream(timeline).map(Observation.Condition::name).toList()),
            o.qosLatencyMs(), o.accuracyTarget(), seed, statics.get(statics.size() - 1).choose().id()))
        .append(PolicyReport.table(PolicyReport.all(runs, o, c)))
        .append(String.format(Locale.ROOT, "%nConvergence: window %d, share %.2f, energy tolerance %.2f (SYSTEMS.md §8).%n",
            c.window(), c.share(), c.energyTolerance()));

    out.append("\nRequests to (re-)converge after each condition change, AutoScale, per seed:\n\n")
        .append("| seed | start |");
    for (int s = 1; s < timeline.length; s++) out.append(" change ").append(s).append(" |");
    out.append("\n|---|---:|").append("---:|".repeat(timeline.length - 1)).append('\n');
    List<OptionalInt> fromStart = new ArrayList<>();
    for (long rep = 1; rep <= REPETITIONS; rep++) {
      QLearner l = QLearner.fresh(settings, space, new QTable.Id("phone-1", "mobilenet"), new SplittableRandom(rep));
      List<RequestRecord> rs = TraceRunner.learner("autoscale", l, d, AutoScaleFixtures.MOBILENET, trace,
          new SyntheticEnvironment(30, 0.05, rep), oracle, o);
      out.append("| ").append(rep).append(" |");
      for (int s = 0; s < timeline.length; s++) {
        OptionalInt n = c.requestsToConverge(rs, s * PER_SEGMENT);
        if (s == 0) fromStart.add(n);
        out.append(' ').append(n.isPresent() ? Integer.toString(n.getAsInt()) : "never").append(" |");
      }
      out.append('\n');
    }
    TimeToQuality.Aggregate a = TimeToQuality.aggregate(fromStart);
    out.append(String.format(Locale.ROOT, "%nRequests-to-quality from the start over %d seeds (drop fastest and slowest, "
        + "mean of the rest): %.1f (spread ±%.0f%%), valid %s.%n", a.runs(), a.mean(), 100 * a.spread(), a.valid()));
    System.out.print(out);
    Path file = Path.of("target", "autoscale-figures.md");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out.toString());
    System.out.println("\nwritten to " + file);
  }
}
