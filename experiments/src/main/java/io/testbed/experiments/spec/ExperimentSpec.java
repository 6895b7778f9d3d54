package io.testbed.experiments.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.testbed.protocol.Precision;
import java.util.List;

/**
 * An experiment as submitted (JSON, documented in {@code experiments/README.md} and
 * {@code experiments/schema/experiment-spec.schema.json}). Optional fields are null when absent; {@link SpecValidator}
 * checks a spec and {@link ExperimentPlan} applies the documented defaults.
 *
 * @param name human name of the experiment (also the prefix of its run ids)
 * @param type experiment type; one of {@link #TYPES}
 * @param devices which devices take part: by id, or by kind and count
 * @param models model names every selected device runs
 * @param precision model precision; null for fp32
 * @param policy who decides the execution target of each query
 * @param scenario the LoadGen scenario and its limits
 * @param repetitions how many seeded runs, and their seeds
 * @param timeline injected events (interference, network profiles...) at times since the start of a repetition
 * @param qos latency and accuracy targets
 * @param onDeviceLoss what a repetition does when a device goes offline; null for {@code abort}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "type", "devices", "models", "precision", "policy", "scenario", "repetitions", "timeline",
    "qos", "onDeviceLoss"})
public record ExperimentSpec(
    String name,
    String type,
    List<DeviceSelector> devices,
    List<String> models,
    Precision precision,
    PolicySpec policy,
    ScenarioSpec scenario,
    RepetitionSpec repetitions,
    List<TimelineEvent> timeline,
    QosSpec qos,
    OnDeviceLoss onDeviceLoss) {

  /** Experiment types this build accepts; later issues add {@code recsched}, {@code thermal}. */
  public static final List<String> TYPES = List.of("inference", "autoscale");

  public ExperimentSpec {
    devices = devices == null ? null : List.copyOf(devices);
    models = models == null ? null : List.copyOf(models);
    timeline = timeline == null ? null : List.copyOf(timeline);
  }

  /** The timeline, empty when absent, sorted by {@code atMs} (stable: equal times keep their order). */
  public List<TimelineEvent> sortedTimeline() {
    if (timeline == null) return List.of();
    return timeline.stream().sorted(java.util.Comparator.comparingLong(TimelineEvent::atMs)).toList();
  }

  /** What to do when a device is lost during a repetition. */
  public enum OnDeviceLoss {
    @com.fasterxml.jackson.annotation.JsonProperty("continue") CONTINUE,
    @com.fasterxml.jackson.annotation.JsonProperty("abort") ABORT
  }
}
