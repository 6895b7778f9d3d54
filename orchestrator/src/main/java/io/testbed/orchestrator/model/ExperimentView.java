package io.testbed.orchestrator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.orchestrator.actor.JsonSerializable;
import java.util.List;

/**
 * An experiment run as served by {@code GET /api/v1/experiments/{runId}} and streamed by {@code .../events}.
 *
 * @param phase {@code queued}, {@code starting}, {@code running}, {@code cancelling}, {@code writing-bundle}, {@code done}
 * @param repetition current repetition, 1-based (0 while queued)
 * @param queriesDone completed queries of the current repetition (ok or not)
 * @param queriesTotal expected queries of the current repetition; null while unknown
 * @param etaSeconds expected seconds until the run ends (all repetitions); null while unknown
 * @param devices devices the run leases (the spec's devices, then the offload peer)
 * @param waitingFor while queued: devices leased by other runs
 * @param verdict {@code VALID}/{@code INVALID} of the repetition aggregate, once the bundle is written
 * @param error why the run failed or was cancelled
 * @param bundle the run folder on the orchestrator's disk, once written
 * @param summary content of the bundle's {@code summary.json} (single-run view only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentView(
    String runId,
    String name,
    ExperimentStatus status,
    String phase,
    String scenario,
    String policy,
    int repetition,
    int repetitions,
    long queriesDone,
    long queriesFailed,
    Long queriesTotal,
    Double etaSeconds,
    List<String> devices,
    List<String> waitingFor,
    String verdict,
    String error,
    long submittedNs,
    Long startedNs,
    Long finishedNs,
    String bundle,
    JsonNode summary) implements JsonSerializable {

  public ExperimentView {
    devices = List.copyOf(devices);
    waitingFor = waitingFor == null ? List.of() : List.copyOf(waitingFor);
  }

  /** The same view without the (possibly large) summary, for lists and streams. */
  public ExperimentView brief() {
    return new ExperimentView(runId, name, status, phase, scenario, policy, repetition, repetitions, queriesDone,
        queriesFailed, queriesTotal, etaSeconds, devices, waitingFor, verdict, error, submittedNs, startedNs, finishedNs,
        bundle, null);
  }
}
