package io.testbed.experiments.engine;

import io.testbed.experiments.analysis.Analysis;
import io.testbed.experiments.analysis.Repetitions;
import io.testbed.experiments.analysis.Summary;
import io.testbed.experiments.analysis.SummaryOptions;
import io.testbed.experiments.bundle.BundleContents;
import io.testbed.experiments.loadgen.LoadGen;
import io.testbed.experiments.loadgen.LoadGenListener;
import io.testbed.experiments.loadgen.ScenarioResult;
import io.testbed.experiments.loadgen.SystemUnderTest;
import io.testbed.experiments.loadgen.Ticker;
import io.testbed.experiments.loadgen.TimedAction;
import io.testbed.experiments.spec.ExperimentPlan;
import io.testbed.experiments.spec.TimelineEvent;
import io.testbed.protocol.Hello;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every repetition of a plan through LoadGen, judges each and aggregates them into {@link BundleContents}
 * ready for {@link io.testbed.experiments.bundle.ResultBundle#write}. The caller supplies the system under test per
 * repetition (the orchestrator: its device fleet) and what the timeline's events do. Blocking; {@link #cancel} from
 * any thread stops the current repetition and skips the rest.
 */
public final class ExperimentRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);

  /** Builds the system under test for one repetition. */
  @FunctionalInterface
  public interface SutFactory {
    SystemUnderTest create(ExperimentPlan.Repetition repetition);
  }

  /** What a timeline event does when it fires (e.g. send an interference command); called on LoadGen's thread. */
  @FunctionalInterface
  public interface EventApplier {
    void apply(ExperimentPlan.Repetition repetition, TimelineEvent event);
  }

  private final Ticker ticker;
  private final LoadGenListener listener;
  private volatile LoadGen current;
  private volatile String cancelReason;

  public ExperimentRunner(Ticker ticker, LoadGenListener listener) {
    this.ticker = ticker;
    this.listener = listener;
  }

  public void cancel(String reason) {
    cancelReason = reason;
    LoadGen lg = current;
    if (lg != null) lg.cancel(reason);
  }

  public BundleContents run(String runId, ExperimentPlan plan, List<Hello> devices, SummaryOptions options,
      SutFactory suts, EventApplier events) throws InterruptedException {
    List<BundleContents.Repetition> reps = new ArrayList<>();
    List<Summary> summaries = new ArrayList<>();
    for (ExperimentPlan.Repetition rep : plan.repetitions()) {
      if (cancelReason != null) break;
      LoadGen lg = new LoadGen(ticker, listener);
      current = lg;
      if (cancelReason != null) lg.cancel(cancelReason);
      LOG.info("run {}: repetition {} of {} (seed {})", runId, rep.index(), plan.repetitions().size(), rep.seed());
      ScenarioResult result = lg.run(rep.settings(), suts.create(rep), timeline(plan, rep, events));
      Summary summary = Analysis.summarize(result, options);
      summaries.add(summary);
      reps.add(new BundleContents.Repetition(rep.index(), rep.seed(), summary, result.records(), result.events()));
    }
    current = null;
    if (reps.isEmpty()) throw new IllegalStateException("cancelled before the first repetition: " + cancelReason);
    Repetitions.Aggregate aggregate = Repetitions.ofSummaries(summaries, reps.stream().map(BundleContents.Repetition::seed).toList());
    return new BundleContents(runId, plan.spec(), devices, reps, aggregate);
  }

  /** The spec's timeline as LoadGen actions for one repetition (sorted by time; named {@code action@device}). */
  public static List<TimedAction> timeline(ExperimentPlan plan, ExperimentPlan.Repetition rep, EventApplier events) {
    List<TimedAction> actions = new ArrayList<>();
    for (TimelineEvent e : plan.spec().sortedTimeline()) {
      String name = e.action() + (e.device() != null ? "@" + e.device() : e.target() != null ? "@" + e.target() : "");
      Consumer<TimelineEvent> apply = ev -> events.apply(rep, ev);
      actions.add(new TimedAction(e.atMs() * 1_000_000L, name, () -> apply.accept(e)));
    }
    return actions;
  }
}
