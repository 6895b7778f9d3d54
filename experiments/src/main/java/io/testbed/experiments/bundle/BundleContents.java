package io.testbed.experiments.bundle;

import io.testbed.experiments.analysis.Repetitions;
import io.testbed.experiments.analysis.Summary;
import io.testbed.experiments.loadgen.AppliedEvent;
import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.experiments.spec.ExperimentSpec;
import io.testbed.protocol.Hello;
import java.util.List;

/**
 * Everything a run folder holds: what {@link ResultBundle#write} writes and {@link ResultBundle#read} gives back.
 *
 * @param runId folder name under the results root
 * @param spec the spec as run
 * @param devices capabilities and software versions of every device involved, as their hellos said
 * @param repetitions one per seeded repetition, in order
 * @param aggregate the repetition aggregate (SYSTEMS.md section 8)
 */
public record BundleContents(
    String runId, ExperimentSpec spec, List<Hello> devices, List<Repetition> repetitions, Repetitions.Aggregate aggregate) {
  public BundleContents {
    if (runId == null || !runId.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("bad runId '" + runId + "'");
    devices = List.copyOf(devices);
    repetitions = List.copyOf(repetitions);
  }

  /** One repetition's seed, judged summary, per-query records and applied timeline events. */
  public record Repetition(int index, long seed, Summary summary, List<QueryRecord> records, List<AppliedEvent> events) {
    public Repetition {
      records = List.copyOf(records);
      events = List.copyOf(events);
    }
  }

  public List<Long> seeds() { return repetitions.stream().map(Repetition::seed).toList(); }
}
